using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Migrations;
using Microsoft.Extensions.Configuration;

namespace AgentHive.Migrations;

/// <summary>
/// The deploy command line: <c>up</c>, <c>down</c>, <c>status</c> and <c>script</c> against the database
/// that configuration names. Exit codes: 0 success, 1 the database operation failed, 2 bad usage or configuration.
/// </summary>
public static class DeployCommand
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    /// <summary>Parses and runs <paramref name="args"/>, writing to the given writers.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, IConfiguration? baseConfiguration = null)
    {
        var root = Build(baseConfiguration);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                error.WriteLine(parseError.Message);
            }

            error.WriteLine("Run with --help to see the commands and options.");
            return Usage;
        }

        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    private static RootCommand Build(IConfiguration? baseConfiguration)
    {
        var provider = new Option<string?>("--provider")
        {
            Description = "sqlite (default) or postgres; overrides AgentHive:Database:Provider",
            Recursive = true,
        };
        var connection = new Option<string?>("--connection")
        {
            Description = "Connection string; overrides AgentHive:Database:ConnectionString",
            Recursive = true,
        };
        var root = new RootCommand("Creates and upgrades the Agent Hive database from the schema compiled into this tool.");
        root.Options.Add(provider);
        root.Options.Add(connection);

        var upTo = new Option<long?>("--to") { Description = "Version to upgrade to (default: latest)" };
        var up = new Command("up", "Apply pending versions, up to the latest or --to N");
        up.Options.Add(upTo);
        up.SetAction(parse => Execute(parse, baseConfiguration, provider, connection, (migrator, output) =>
        {
            var steps = migrator.Up(parse.GetValue(upTo), state => Starting(output, "Applying", state), step => Finished(output, step));
            WriteOutcome(migrator, output, steps.Count == 0 ? "Nothing to apply." : null);
        }));

        var downTo = new Option<long>("--to") { Description = "Version to go down to (0 removes every version)", Required = true };
        var down = new Command("down", "Revert applied versions above --to N");
        down.Options.Add(downTo);
        down.SetAction(parse => Execute(parse, baseConfiguration, provider, connection, (migrator, output) =>
        {
            var steps = migrator.Down(parse.GetValue(downTo), state => Starting(output, "Reverting", state), step => Finished(output, step));
            WriteOutcome(migrator, output, steps.Count == 0 ? "Nothing to revert." : null);
        }));

        var status = new Command("status", "List every version with whether it is applied");
        status.SetAction(parse => Execute(parse, baseConfiguration, provider, connection, (migrator, output) =>
        {
            var states = migrator.Status();
            output.WriteLine("Version  State    Description");
            foreach (var state in states)
            {
                output.WriteLine($"{state.Version,7}  {(state.Applied ? "applied" : "pending"),-7}  {state.Description}");
            }

            WriteCurrent(states, output);
        }));

        var scriptTo = new Option<long?>("--to") { Description = "Version to script up to (default: latest)" };
        var script = new Command("script", "Print the SQL that 'up' would run, without running it");
        script.Options.Add(scriptTo);
        script.SetAction(parse => Execute(parse, baseConfiguration, provider, connection,
            (migrator, output) => migrator.Script(output, parse.GetValue(scriptTo)), announceTarget: false));

        var schemaPath = new Option<string>("--schema") { Description = "The schema file", DefaultValueFactory = _ => "schema.yaml" };
        var historyPath = new Option<string>("--history") { Description = "The history folder", DefaultValueFactory = _ => Path.Combine("src", "Migrations", "history") };
        var freeze = new Command("freeze", "Record the version schema.yaml declares as released: copy it into history with the checksums of its SQL");
        freeze.Options.Add(schemaPath);
        freeze.Options.Add(historyPath);
        freeze.SetAction(parse => SchemaFreeze.Run(parse.GetValue(schemaPath)!, parse.GetValue(historyPath)!, typeof(DeployCommand).Assembly,
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        var schema = new Command("schema", "Work with the schema history");
        schema.Subcommands.Add(freeze);

        root.Subcommands.Add(up);
        root.Subcommands.Add(schema);
        root.Subcommands.Add(down);
        root.Subcommands.Add(status);
        root.Subcommands.Add(script);
        return root;
    }

    private static int Execute(
        ParseResult parse,
        IConfiguration? baseConfiguration,
        Option<string?> provider,
        Option<string?> connection,
        Action<SchemaMigrator, TextWriter> action,
        bool announceTarget = true)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        SchemaMigrator migrator;
        try
        {
            var options = DatabaseOptions.From(Configure(baseConfiguration, parse.GetValue(provider), parse.GetValue(connection)));
            migrator = new SchemaMigrator(options, typeof(DeployCommand).Assembly);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
        {
            error.WriteLine($"Configuration error: {ex.Message}");
            return Usage;
        }

        if (announceTarget)
        {
            output.WriteLine($"Target: {migrator.Target}");
        }

        try
        {
            action(migrator, output);
            return Success;
        }
        catch (Exception ex)
        {
            output.WriteLine();
            error.WriteLine($"Failed: {Describe(ex)}");
            return Failed;
        }
    }

    /// <summary>appsettings.json beside the tool, then environment variables, then command-line options.</summary>
    private static IConfiguration Configure(IConfiguration? baseConfiguration, string? provider, string? connection)
    {
        var overrides = new Dictionary<string, string?>();
        if (provider is not null)
        {
            overrides[$"{DatabaseOptions.SectionName}:Provider"] = provider;
        }

        if (connection is not null)
        {
            overrides[$"{DatabaseOptions.SectionName}:ConnectionString"] = connection;
        }

        var builder = new ConfigurationBuilder();
        if (baseConfiguration is null)
        {
            builder.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
                .AddEnvironmentVariables();
        }
        else
        {
            builder.AddConfiguration(baseConfiguration);
        }

        return builder.AddInMemoryCollection(overrides).Build();
    }

    private static void Starting(TextWriter output, string verb, MigrationState state) =>
        output.Write($"{verb} {state.Version}: {state.Description} ... ");

    private static void Finished(TextWriter output, MigrationStep step) =>
        output.WriteLine($"done in {step.Elapsed.TotalMilliseconds:F0} ms");

    private static void WriteOutcome(SchemaMigrator migrator, TextWriter output, string? nothingDone)
    {
        if (nothingDone is not null)
        {
            output.WriteLine(nothingDone);
        }

        WriteCurrent(migrator.Status(), output);
    }

    private static void WriteCurrent(IReadOnlyList<MigrationState> states, TextWriter output)
    {
        var current = states.Where(s => s.Applied).Select(s => s.Version).DefaultIfEmpty(0).Max();
        var pending = states.Where(s => !s.Applied).Select(s => s.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        output.WriteLine($"Current version: {current}; pending: {(pending.Count == 0 ? "none" : string.Join(", ", pending))}");
    }

    // FluentMigrator wraps driver errors; the innermost message is the one that says what went wrong.
    private static string Describe(Exception ex)
    {
        var messages = new List<string>();
        for (var current = ex; current is not null; current = current.InnerException)
        {
            if (!messages.Contains(current.Message))
            {
                messages.Add(current.Message);
            }
        }

        return string.Join(" -> ", messages);
    }
}
