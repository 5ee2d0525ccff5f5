using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Json;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Deployment;
using AgentHive.Runtime.Migrations;
using Microsoft.Extensions.Configuration;

namespace AgentHive.Migrations;

/// <summary>
/// The deploy command line: <c>up</c>, <c>down</c>, <c>status</c>, <c>script</c>, <c>verify</c>,
/// <c>baseline</c> and <c>schema freeze</c> against the database that configuration names.
/// Exit codes: 0 success, 1 the database operation failed, 2 bad usage or configuration,
/// 3 another deployer held the migration lock past the timeout, 4 verify found drift or edited history.
/// </summary>
public static class DeployCommand
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int LockTimeout = 3;
    public const int Drift = 4;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = false };

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
        var common = new CommonOptions(
            new Option<string?>("--provider") { Description = "sqlite (default) or postgres; overrides AgentHive:Database:Provider", Recursive = true },
            new Option<string?>("--connection") { Description = "Connection string; overrides AgentHive:Database:ConnectionString", Recursive = true },
            new Option<bool>("--json") { Description = "Write one JSON object instead of text, for machines", Recursive = true },
            baseConfiguration);
        var root = new RootCommand("Creates, upgrades and checks the Agent Hive database from the schema compiled into this tool.");
        root.Options.Add(common.Provider);
        root.Options.Add(common.Connection);
        root.Options.Add(common.Json);

        var upTo = new Option<long?>("--to") { Description = "Version to upgrade to (default: latest)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the SQL up would run, lock and history statements included, and run nothing" };
        var verbose = new Option<bool>("--verbose") { Description = "Echo each SQL statement before it runs", Recursive = true };
        root.Options.Add(verbose);
        var up = new Command("up", "Apply pending versions, up to the latest or --to N, under the migration lock");
        up.Options.Add(upTo);
        up.Options.Add(dryRun);
        up.SetAction(parse => parse.GetValue(dryRun)
            ? Execute(parse, common, (migrator, report) => migrator.Script(report.Output, parse.GetValue(upTo)), announce: false)
            : Execute(parse, common, (migrator, report) => Move(migrator, report, "Applying", () => migrator.Up(parse.GetValue(upTo), report.Starting, report.Finished))));

        var downTo = new Option<long>("--to") { Description = "Version to go down to (0 removes every version)", Required = true };
        var down = new Command("down", "Revert applied versions above --to N, under the migration lock");
        down.Options.Add(downTo);
        down.SetAction(parse => Execute(parse, common,
            (migrator, report) => Move(migrator, report, "Reverting", () => migrator.Down(parse.GetValue(downTo), report.Starting, report.Finished))));

        var status = new Command("status", "List every version with whether it is applied");
        status.SetAction(parse => Execute(parse, common, (migrator, report) =>
        {
            var states = migrator.Status();
            report.Text("Version  State    Description");
            foreach (var state in states)
            {
                report.Text($"{state.Version,7}  {(state.Applied ? "applied" : "pending"),-7}  {state.Description}");
            }

            report.Current(states);
        }));

        var scriptTo = new Option<long?>("--to") { Description = "Version to script up to (default: latest)" };
        var script = new Command("script", "Print the SQL that 'up' would run, without running it");
        script.Options.Add(scriptTo);
        script.SetAction(parse => Execute(parse, common, (migrator, report) => migrator.Script(report.Output, parse.GetValue(scriptTo)), announce: false));

        var verify = new Command("verify", "Compare the database with this build: applied versions' checksums and the live schema");
        verify.SetAction(parse => Execute(parse, common, (migrator, report) =>
        {
            var result = migrator.Verify();
            report.Set("appliedVersion", result.AppliedVersion);
            report.Set("clean", result.Clean);
            report.Set("problems", result.Problems);
            if (result.Clean)
            {
                report.Text($"Clean: the database matches version {result.AppliedVersion} of this build.");
                return;
            }

            report.Text($"The database differs from version {result.AppliedVersion} of this build:");
            foreach (var problem in result.Problems)
            {
                report.Text($"  - {problem}");
            }

            report.ExitCode = Drift;
        }));

        var baselineVersion = new Option<long>("--version") { Description = "The version the database already has", Required = true };
        var baseline = new Command("baseline", "Adopt an existing database that already matches --version N, without running its migrations");
        baseline.Options.Add(baselineVersion);
        baseline.SetAction(parse => Execute(parse, common, (migrator, report) =>
        {
            migrator.Baseline(parse.GetValue(baselineVersion));
            report.Text($"Recorded versions up to {parse.GetValue(baselineVersion)} as applied; nothing was run.");
            report.Current(migrator.Status());
        }));

        var schemaPath = new Option<string>("--schema") { Description = "The schema file", DefaultValueFactory = _ => "schema.yaml" };
        var historyPath = new Option<string>("--history") { Description = "The history folder", DefaultValueFactory = _ => Path.Combine("src", "Migrations", "history") };
        var freeze = new Command("freeze", "Record the version schema.yaml declares as released: copy it into history with the checksums of its SQL");
        freeze.Options.Add(schemaPath);
        freeze.Options.Add(historyPath);
        freeze.SetAction(parse => SchemaFreeze.Run(parse.GetValue(schemaPath)!, parse.GetValue(historyPath)!, typeof(DeployCommand).Assembly,
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        var schema = new Command("schema", "Work with the schema history");
        schema.Subcommands.Add(freeze);

        foreach (var command in new[] { up, down, status, script, verify, baseline, schema })
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    private static void Move(SchemaMigrator migrator, Report report, string verb, Func<IReadOnlyList<MigrationStep>> move)
    {
        report.Verb = verb;
        var steps = move();
        if (steps.Count == 0)
        {
            report.Text(verb == "Applying" ? "Nothing to apply." : "Nothing to revert.");
        }

        report.Set(verb == "Applying" ? "applied" : "reverted", steps.Select(s => new { s.Version, s.Description, ElapsedMs = (long)s.Elapsed.TotalMilliseconds }));
        report.Current(migrator.Status());
    }

    private static int Execute(ParseResult parse, CommonOptions common, Action<SchemaMigrator, Report> action, bool announce = true)
    {
        var report = new Report(parse.InvocationConfiguration.Output, parse.GetValue(common.Json));
        var error = parse.InvocationConfiguration.Error;
        SchemaMigrator migrator;
        try
        {
            var options = DatabaseOptions.From(Configure(common.BaseConfiguration, parse.GetValue(common.Provider), parse.GetValue(common.Connection)));
            migrator = new SchemaMigrator(options, typeof(DeployCommand).Assembly)
            {
                Waiting = message => error.WriteLine(message),
                Echo = parse.GetValue<bool>("--verbose") && !parse.GetValue(common.Json) ? parse.InvocationConfiguration.Output : null,
            };
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
        {
            return report.Fail(error, $"Configuration error: {ex.Message}", Usage);
        }

        report.Set("target", migrator.Target);
        if (announce)
        {
            report.Text($"Target: {migrator.Target}");
        }

        try
        {
            action(migrator, report);
            return report.Finish();
        }
        catch (MigrationLockTimeoutException ex)
        {
            return report.Fail(error, ex.Message, LockTimeout);
        }
        catch (DatabaseLocationException ex)
        {
            return report.Fail(error, $"Configuration error: {ex.Message}", Usage);
        }
        catch (Exception ex)
        {
            return report.Fail(error, $"Failed: {Describe(ex)}", Failed);
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

    private sealed record CommonOptions(Option<string?> Provider, Option<string?> Connection, Option<bool> Json, IConfiguration? BaseConfiguration);

    /// <summary>Text for people as it happens, or one JSON object at the end for machines.</summary>
    private sealed class Report
    {
        private readonly TextWriter _output;
        private readonly bool _json;
        private readonly Dictionary<string, object?> _fields = new();

        public Report(TextWriter output, bool json)
        {
            _output = output;
            _json = json;
        }

        public TextWriter Output => _output;

        public string Verb { get; set; } = "Applying";

        public int ExitCode { get; set; } = Success;

        public void Text(string line)
        {
            if (!_json)
            {
                _output.WriteLine(line);
            }
        }

        public void Set(string name, object? value) => _fields[name] = value;

        public void Starting(MigrationState state)
        {
            if (!_json)
            {
                _output.Write($"{Verb} {state.Version}: {state.Description} ... ");
            }
        }

        public void Finished(MigrationStep step) => Text($"done in {step.Elapsed.TotalMilliseconds:F0} ms");

        public void Current(IReadOnlyList<MigrationState> states)
        {
            var current = states.Where(s => s.Applied).Select(s => s.Version).DefaultIfEmpty(0).Max();
            var pending = states.Where(s => !s.Applied).Select(s => s.Version).ToList();
            Set("currentVersion", current);
            Set("pending", pending);
            Set("versions", states.Select(s => new { s.Version, s.Description, s.Applied }));
            Text($"Current version: {current}; pending: {(pending.Count == 0 ? "none" : string.Join(", ", pending))}");
        }

        public int Finish()
        {
            if (_json)
            {
                _fields["exitCode"] = ExitCode;
                _output.WriteLine(JsonSerializer.Serialize(_fields, Json));
            }

            return ExitCode;
        }

        public int Fail(TextWriter error, string message, int code)
        {
            if (_json)
            {
                _fields["error"] = message;
                _fields["exitCode"] = code;
                _output.WriteLine(JsonSerializer.Serialize(_fields, Json));
            }
            else
            {
                _output.WriteLine();
                error.WriteLine(message);
            }

            return code;
        }
    }
}
