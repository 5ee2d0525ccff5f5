using System;
using AgentHive.Migrations;

return DeployCommand.Run(args, Console.Out, Console.Error);
