// A lending library's database, deployed by its own command line: dotnet run -- up | down --to N | status | verify | schema freeze.
return AgentHive.Runtime.CommandLine.SchemaCommandLine.Run(args, typeof(Program).Assembly);
