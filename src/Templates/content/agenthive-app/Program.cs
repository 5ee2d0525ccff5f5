// The deploy command line for this app's schema: up, down, status, script, verify, baseline, schema freeze.
return AgentHive.Runtime.CommandLine.SchemaCommandLine.Run(args, typeof(Program).Assembly);
