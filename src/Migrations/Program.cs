using AgentHive.Runtime.CommandLine;

return SchemaCommandLine.Run(args, typeof(Program).Assembly);
