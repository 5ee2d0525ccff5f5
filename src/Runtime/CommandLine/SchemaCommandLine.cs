using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Deployment;
using AgentHive.Runtime.Migrations;
using Microsoft.Extensions.Configuration;

namespace AgentHive.Runtime.CommandLine;

/// <summary>
/// The deploy command line for any schema compiled by AgentHive.Generator: <c>up</c>, <c>down</c>,
/// <c>status</c>, <c>script</c>, <c>verify</c>, <c>baseline</c>, <c>schema freeze</c> and <c>schema diagram</c> against the
/// database that configuration names. An app's whole Program.cs can be
/// <c>return SchemaCommandLine.Run(args, typeof(Program).Assembly);</c>.
/// Exit codes: 0 success, 1 the database operation failed, 2 bad usage or configuration,
/// 3 another deployer held the migration lock past the timeout, 4 verify found drift, edited history or
/// corruption, 5 up or down refused because the database's history does not match this build,
/// 6 check-queries found a declared query whose plan breaks its expectations.
/// </summary>
public static partial class SchemaCommandLine
{
    /// <summary>Exit code: success (<c>verify</c>: the database is clean).</summary>
    public const int Success = 0;

    /// <summary>Exit code: the database operation failed and its version was rolled back.</summary>
    public const int Failed = 1;

    /// <summary>Exit code: bad usage or configuration.</summary>
    public const int Usage = 2;

    /// <summary>Exit code: another deployer held the migration lock past the timeout.</summary>
    public const int LockTimeout = 3;

    /// <summary>Exit code: <c>verify</c> found drift or edited history.</summary>
    public const int Drift = 4;

    /// <summary>Exit code: <c>up</c> or <c>down</c> refused because the database's history does not match this build.</summary>
    public const int HistoryMismatch = 5;

    /// <summary>Exit code: <c>check-queries</c> found a declared query that scans a table it must not, or misses an index it must use.</summary>
    public const int QueryPlanFailed = 6;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = false };

    /// <summary>Parses and runs <paramref name="args"/> for the schema compiled into <paramref name="schemaAssembly"/>, on the console.</summary>
    public static int Run(string[] args, Assembly schemaAssembly) => Run(args, schemaAssembly, Console.Out, Console.Error);

    /// <summary>Parses and runs <paramref name="args"/>, writing to the given writers.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="schemaAssembly">The assembly the generator compiled the schema and its migrations into.</param>
    /// <param name="output">Where results go.</param>
    /// <param name="error">Where errors and waiting notices go.</param>
    /// <param name="baseConfiguration">Configuration to use instead of appsettings.json beside the app and environment variables.</param>
    public static int Run(string[] args, Assembly schemaAssembly, TextWriter output, TextWriter error, IConfiguration? baseConfiguration = null)
    {
        var root = CreateRootCommand(schemaAssembly, baseConfiguration);
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

    /// <summary>The whole command tree as a root command, for apps that invoke it themselves.</summary>
    public static RootCommand CreateRootCommand(Assembly schemaAssembly, IConfiguration? baseConfiguration = null)
    {
        var root = new RootCommand(SchemaProject.From(schemaAssembly).Purpose);
        AddTo(root, schemaAssembly, baseConfiguration);
        return root;
    }

    /// <summary>
    /// Adds every deploy command and its options to <paramref name="parent"/>: the app's own root command,
    /// or a subcommand such as <c>db</c> of it.
    /// </summary>
    public static void AddTo(Command parent, Assembly schemaAssembly, IConfiguration? baseConfiguration = null)
    {
        var project = SchemaProject.From(schemaAssembly);
        var common = new CommonOptions(
            new Option<string?>("--provider") { Description = "sqlite (default) or postgres; overrides AgentHive:Database:Provider", Recursive = true },
            new Option<string?>("--connection") { Description = "Connection string; overrides AgentHive:Database:ConnectionString", Recursive = true },
            new Option<bool>("--json") { Description = "Write one JSON object instead of text, for machines", Recursive = true },
            baseConfiguration,
            schemaAssembly);
        parent.Options.Add(common.Provider);
        parent.Options.Add(common.Connection);
        parent.Options.Add(common.Json);

        var upTo = new Option<long?>("--to") { Description = "Version to upgrade to (default: latest)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the SQL up would run, lock and history statements included, and run nothing" };
        var verbose = new Option<bool>("--verbose") { Description = "Echo each SQL statement before it runs", Recursive = true };
        parent.Options.Add(verbose);
        var up = new Command("up", "Apply pending versions, up to the latest or --to N, under the migration lock");
        up.Options.Add(upTo);
        up.Options.Add(dryRun);
        up.SetAction(parse => parse.GetValue(dryRun)
            ? Execute(parse, common, (migrator, report) => WriteScript(migrator, report, parse.GetValue(upTo)), announce: false)
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
                report.Text($"{state.Version,7}  {(!state.InThisBuild ? "unknown" : state.Applied ? "applied" : "pending"),-7}  {state.Description}");
            }

            var unknown = states.Where(s => !s.InThisBuild).Select(s => s.Version).ToList();
            report.Set("unknown", unknown);
            if (unknown.Count > 0)
            {
                report.Text($"The database records versions this build does not know ({string.Join(", ", unknown)}): up and down will refuse to run here.");
            }

            report.Current(states);
        }));

        var scriptTo = new Option<long?>("--to") { Description = "Version to script up to (default: latest)" };
        var script = new Command("script", "Print the SQL that 'up' would run, without running it");
        script.Options.Add(scriptTo);
        script.SetAction(parse => Execute(parse, common, (migrator, report) => WriteScript(migrator, report, parse.GetValue(scriptTo)), announce: false));

        var verify = new Command("verify", "Compare the database with this build: applied versions' checksums and the live schema");
        verify.SetAction(parse => Execute(parse, common, (migrator, report) =>
        {
            var result = migrator.Verify(checkStorage: true);
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

        var schemaPath = new Option<string?>("--schema") { Description = $"The schema file (default: {project.SchemaFile} in the project directory)" };
        var historyPath = new Option<string?>("--history") { Description = $"The history folder (default: {project.HistoryFolder} in the project directory)" };
        var freeze = new Command("freeze", $"Record the version {Path.GetFileName(project.SchemaFile)} declares as released: copy it into the history folder with the checksums of its SQL");
        freeze.Options.Add(schemaPath);
        freeze.Options.Add(historyPath);
        freeze.SetAction(parse => SchemaFreeze.Run(project, parse.GetValue(schemaPath), parse.GetValue(historyPath),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        var diagramOutput = new Option<string?>("--output") { Description = "The file to write (default: standard output)" };
        var mermaidOnly = new Option<bool>("--mermaid") { Description = "Write the Mermaid erDiagram alone instead of the Markdown document" };
        var diagram = new Command("diagram", "Write the schema's Markdown document: its Mermaid ER diagram and every table's columns, constraints and indexes");
        diagram.Options.Add(diagramOutput);
        diagram.Options.Add(mermaidOnly);
        diagram.SetAction(parse => SchemaDiagram.Run(project, parse.GetValue(mermaidOnly), parse.GetValue(diagramOutput),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        var schema = new Command("schema", "Work with the schema: its history and its documentation");
        schema.Subcommands.Add(freeze);
        schema.Subcommands.Add(diagram);

        var checkQueries = new Command("check-queries",
            "Explain every query declared in the schema on the configured database: fail where a plan scans a table it must not or misses an index it must use; warn about indexes no query uses");
        checkQueries.SetAction(parse => Execute(parse, common, (migrator, report) => CheckQueries(migrator, report, common.SchemaAssembly)));

        foreach (var command in new[] { up, down, status, script, verify, baseline, schema, checkQueries, MaintainCommand(common) })
        {
            parent.Subcommands.Add(command);
        }
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

    private static void EnsureLatestVersion(SchemaMigrator migrator, string why)
    {
        var pending = migrator.Status().Where(s => !s.Applied).Select(s => s.Version).ToList();
        if (pending.Count > 0)
        {
            throw new DeploymentException(DeploymentFailureKind.Usage,
                $"The database is not at the latest version (pending: {string.Join(", ", pending)}). Run 'up' first: {why}.");
        }
    }

    private static void CheckQueries(SchemaMigrator migrator, Report report, Assembly schemaAssembly)
    {
        EnsureLatestVersion(migrator, "the plans of the declared queries are checked on the latest schema");
        var declared = Queries.DeclaredQueries.Load(schemaAssembly);
        Queries.QueryPlanReport result;
        using (var connection = SchemaVerifier.Open(migrator.Options))
        {
            result = Queries.QueryPlanCheck.Run(connection, migrator.Options.ParsedProvider, declared);
        }

        foreach (var query in result.Queries)
        {
            report.Text($"{(query.Passed ? "ok    " : "FAILED")} {query.Query}");
            foreach (var problem in query.Problems)
            {
                report.Text($"  {problem}");
            }

            foreach (var line in query.Plan)
            {
                report.Text($"    {line}");
            }
        }

        foreach (var index in result.UnusedIndexes)
        {
            report.Text($"warning: index '{index.Name}' on '{index.Table}' is used by no declared query nor generated operation (queue, retention, memory): write cost with no read benefit" +
                (index.ServesForeignKey ? " (it serves a foreign key: deleting or updating a parent row searches it)." : ". Declare the query it serves, or drop it."));
        }

        var failed = result.Queries.Count(q => !q.Passed);
        report.Text(failed == 0
            ? $"All {result.Queries.Count} declared queries meet their plan expectations."
            : $"{failed} of {result.Queries.Count} declared queries break their plan expectations.");
        report.Set("queries", result.Queries.Select(q => new { q.Query, q.Passed, q.Problems, q.Plan, q.Parameters, q.UsedIndexes }));
        report.Set("unusedIndexes", result.UnusedIndexes.Select(i => new { i.Table, Index = i.Name, i.ServesForeignKey }));
        if (failed > 0)
        {
            report.ExitCode = QueryPlanFailed;
        }
    }

    // Under --json, stdout carries one JSON object and nothing else: the script goes into it.
    private static void WriteScript(SchemaMigrator migrator, Report report, long? targetVersion)
    {
        if (!report.IsJson)
        {
            migrator.Script(report.Output, targetVersion);
            return;
        }

        var sql = new StringWriter();
        migrator.Script(sql, targetVersion);
        report.Set("sql", sql.ToString());
    }

    private static int Execute(ParseResult parse, CommonOptions common, Action<SchemaMigrator, Report> action, bool announce = true)
    {
        var report = new Report(parse.InvocationConfiguration.Output, parse.GetValue(common.Json));
        var error = parse.InvocationConfiguration.Error;
        DatabaseOptions options;
        try
        {
            options = DatabaseOptions.From(Configure(common.BaseConfiguration, parse.GetValue(common.Provider), parse.GetValue(common.Connection)));
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or InvalidOperationException)
        {
            // appsettings.json that does not parse, or a value that does not bind to its setting.
            return report.Fail(error,
                $"Configuration error: {ConnectionStrings.Scrub(DeploymentException.MessageChain(ex), null)}. Fix {SettingsFile} (or the environment variable or option that sets it).",
                Usage);
        }

        SchemaMigrator migrator;
        try
        {
            var connectionString = options.ConnectionString;
            migrator = new SchemaMigrator(options, common.SchemaAssembly)
            {
                Waiting = message => error.WriteLine(ConnectionStrings.Scrub(message, connectionString)),
                Progress = message => error.WriteLine(ConnectionStrings.Scrub(message, connectionString)),
                Echo = parse.GetValue<bool>("--verbose") && !parse.GetValue(common.Json) ? parse.InvocationConfiguration.Output : null,
            };
        }
        catch (Exception ex)
        {
            return Fail(report, error, DeploymentException.From(ex, options));
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
        catch (Exception ex)
        {
            return Fail(report, error, DeploymentException.From(ex, options));
        }
    }

    private static int Fail(Report report, TextWriter error, DeploymentException failure) => failure.Kind switch
    {
        DeploymentFailureKind.Usage => report.Fail(error, failure.Message, Usage),
        DeploymentFailureKind.LockTimeout => report.Fail(error, failure.Message, LockTimeout),
        DeploymentFailureKind.HistoryMismatch => report.Fail(error, failure.Message, HistoryMismatch),
        _ => report.Fail(error, $"Failed: {failure.Message}", Failed),
    };

    private static string SettingsFile => Path.Combine(AppContext.BaseDirectory, "appsettings.json");

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
            builder.AddJsonFile(SettingsFile, optional: true)
                .AddEnvironmentVariables();
        }
        else
        {
            builder.AddConfiguration(baseConfiguration);
        }

        return builder.AddInMemoryCollection(overrides).Build();
    }

    private sealed record CommonOptions(Option<string?> Provider, Option<string?> Connection, Option<bool> Json, IConfiguration? BaseConfiguration, Assembly SchemaAssembly);

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

        public bool IsJson => _json;

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
            Set("versions", states.Select(s => new { s.Version, s.Description, s.Applied, s.InThisBuild }));
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
