using System.Collections.Generic;
using System.IO;
using AgentHive.Runtime.CommandLine;
using AgentHive.Runtime.Configuration;
using Microsoft.Extensions.Configuration;

namespace AgentHive.Tests.Deployment;

/// <summary>The deploy command run in this process, with stdout and stderr kept apart.</summary>
public static class DeployCli
{
    public static DeployCliResult Run(DatabaseOptions options, params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AgentHive:Database:Provider"] = options.Provider,
            ["AgentHive:Database:ConnectionString"] = options.ConnectionString,
        }).Build();
        var output = new StringWriter();
        var error = new StringWriter();
        var code = SchemaCommandLine.Run(args, AgentHiveBuild.Assembly, output, error, configuration);
        return new DeployCliResult(output.ToString().Replace("\r\n", "\n"), error.ToString().Replace("\r\n", "\n"), code);
    }
}

/// <summary>What one run of the deploy command wrote and returned.</summary>
public sealed record DeployCliResult(string Output, string Error, int Code)
{
    public string All => $"exit {Code}\n{Output}\n{Error}";
}
