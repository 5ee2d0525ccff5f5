using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using AgentHive.Runtime.CommandLine;
using AgentHive.Tests.Database;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace AgentHive.Tests.Deployment;

/// <summary>An app that keeps its own command line mounts the deploy commands under one of its commands.</summary>
public sealed class CommandLineMountTests
{
    [Fact]
    public void Deploy_commands_mounted_under_an_apps_own_subcommand_migrate_and_report()
    {
        using var database = new SqliteTestDatabase();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AgentHive:Database:Provider"] = "sqlite",
            ["AgentHive:Database:ConnectionString"] = database.Options.ConnectionString,
        }).Build();
        var app = new RootCommand("An app with commands of its own");
        app.Subcommands.Add(new Command("serve", "The app's own work"));
        var db = new Command("db", "Database deployment");
        SchemaCommandLine.AddTo(db, AgentHiveBuild.Assembly, configuration);
        app.Subcommands.Add(db);

        var output = new StringWriter();
        var error = new StringWriter();
        var code = app.Parse(new[] { "db", "up" }).Invoke(new InvocationConfiguration { Output = output, Error = error });

        Assert.True(code == SchemaCommandLine.Success, output + error.ToString());
        Assert.Contains($"Current version: {AgentHive.AgentHiveSchema.Version}; pending: none", output.ToString());
        Assert.Equal(SchemaCommandLine.Usage, app.Parse(new[] { "db", "down", "--to", "-1" }).Invoke(new InvocationConfiguration { Output = output, Error = error }));
    }

    [Fact]
    public void Help_names_the_apps_schema_not_a_fixed_product()
    {
        var help = SchemaCommandLine.CreateRootCommand(AgentHiveBuild.Assembly).Description;

        Assert.Equal($"Creates, upgrades and checks the '{AgentHive.AgentHiveSchema.Name}' database ({AgentHive.AgentHiveSchema.Description.TrimEnd('.')}) from the schema compiled into this app.", help);
    }
}
