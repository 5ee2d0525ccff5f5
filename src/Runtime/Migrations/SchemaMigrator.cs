using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Deployment;
using AgentHive.Runtime.Postgres;
using AgentHive.Runtime.Sqlite;
using FluentMigrator.Runner;
using FluentMigrator.Runner.Processors;
using FluentMigrator.Runner.Processors.SQLite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AgentHive.Runtime.Migrations;

/// <summary>
/// Runs the generated FluentMigrator migrations against the configured database: upgrade, downgrade,
/// status, and the SQL an upgrade would run. Each version and its history row commit together.
/// </summary>
public sealed class SchemaMigrator
{
    private readonly DatabaseOptions _options;
    private readonly DatabaseProvider _provider;
    private readonly Assembly _migrations;
    private IReadOnlyList<BuiltMigration>? _built;

    /// <summary>Creates a migrator for the migrations compiled into <paramref name="migrationsAssembly"/>.</summary>
    public SchemaMigrator(DatabaseOptions options, Assembly migrationsAssembly)
    {
        options.Validate();
        _options = options;
        _provider = options.ParsedProvider;
        _migrations = migrationsAssembly;
        if (_provider == DatabaseProvider.Sqlite)
        {
            if (!string.IsNullOrWhiteSpace(options.Schema))
            {
                throw new InvalidOperationException($"{DatabaseOptions.SectionName}:Schema applies to PostgreSQL only; remove it for SQLite.");
            }

            SqliteConnectionSetup.EnsureSupportedVersion();
        }
        else
        {
            // Fails early on a schema name PostgreSQL cannot hold.
            PostgresSchema.ConnectionString(options);
        }
    }

    /// <summary>The database this migrator works on.</summary>
    public DatabaseOptions Options => _options;

    /// <summary>The target, described without secrets.</summary>
    public string Target => ConnectionStrings.Describe(_provider, _options.ConnectionString) +
        (string.IsNullOrWhiteSpace(_options.Schema) ? string.Empty : $", schema {_options.Schema}");

    /// <summary>Told when this deployer waits for another one's migration lock.</summary>
    public Action<string>? Waiting { get; set; }

    /// <summary>Told what the migrator does besides running versions: online steps, backfill progress, rebuilt indexes.</summary>
    public Action<string>? Progress { get; set; }

    /// <summary>When set, every statement Up and Down execute is echoed here (its first line) before it runs.</summary>
    public TextWriter? Echo { get; set; }

    /// <summary>The versions this build carries, with their SQL and checksums.</summary>
    public IReadOnlyList<BuiltMigration> Built => _built ??= BuiltMigrations.Load(_migrations);

    /// <summary>Compares the database with this build: recorded checksums and the live catalog.</summary>
    /// <param name="checkStorage">On SQLite, also check every page of the file (<c>PRAGMA quick_check</c>); it reads the whole file.</param>
    public VerifyReport Verify(bool checkStorage = false) => SchemaVerifier.Verify(_options, Built, checkStorage);

    /// <summary>
    /// Adopts a database that already has <paramref name="version"/>'s schema (checked like <see cref="Verify"/>):
    /// records versions 1..N as applied, with their checksums, without running them.
    /// </summary>
    /// <exception cref="InvalidOperationException">The database has applied versions already, or its schema differs; the message says how.</exception>
    public void Baseline(long version)
    {
        var migrations = Built.Where(m => m.Version <= version).ToList();
        if (migrations.All(m => m.Version != version))
        {
            throw new DeploymentException(DeploymentFailureKind.Usage, $"This build has no version {version}; it knows {KnownVersions}.");
        }

        Locked(runner =>
        {
            using (var connection = SchemaVerifier.Open(_options))
            {
                var applied = SchemaVerifier.AppliedVersions(connection, _provider);
                if (applied.Count > 0 || SchemaVerifier.History(connection, _provider).Count > 0)
                {
                    throw new InvalidOperationException(
                        $"The database already records applied versions ({string.Join(", ", applied)}); baseline adopts only databases without history.");
                }

                var drift = SchemaVerifier.Drift(_options, connection, Built, version);
                if (drift.Count > 0)
                {
                    throw new InvalidOperationException(
                        $"The database does not match version {version}, so it was not adopted:\n  - " + string.Join("\n  - ", drift));
                }
            }

            // FluentMigrator creates its version table; the version rows and our history rows then commit together,
            // on PostgreSQL on the session that holds the lock.
            runner.HasApplied(0);
            runner.BeforeVersion();
            var write = runner.Connection;
            using var transaction = write.BeginTransaction();
            foreach (var migration in migrations)
            {
                using var insert = write.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = $"INSERT INTO \"{SchemaVerifier.VersionTable}\" (\"version\", \"applied_on\", \"description\") VALUES (@version, @applied, @description)";
                AddParameter(insert, "@version", migration.Version);
                AddParameter(insert, "@applied", DateTime.UtcNow);
                AddParameter(insert, "@description", migration.Description);
                insert.ExecuteNonQuery();
                // The database already has what the online steps build: they are recorded as done too.
                var online = _provider == DatabaseProvider.Postgres && migration.PostgresOnlineUp.Count > 0
                    ? new[] { PostgresOnlineSteps.CreateTableSql }.Concat(migration.PostgresOnlineUp.Select((s, i) => PostgresOnlineSteps.RecordSql(migration.Version, i + 1, s)))
                    : Enumerable.Empty<string>();
                foreach (var statement in migration.Record[_provider].Concat(online))
                {
                    using var record = write.CreateCommand();
                    record.Transaction = transaction;
                    record.CommandText = statement;
                    record.ExecuteNonQuery();
                }
            }

            transaction.Commit();
            return 0;
        });
    }

    /// <summary>
    /// Every version the build knows, with whether the database has applied it, then any version the
    /// database records that this build does not know. Reads only; creates and changes nothing.
    /// </summary>
    public IReadOnlyList<MigrationState> Status()
    {
        if (IsMissingSqliteFile())
        {
            return Known(_ => false);
        }

        using var connection = SchemaVerifier.Open(_options, readOnly: true);
        var applied = SchemaVerifier.AppliedVersions(connection, _provider);
        var unknown = applied.Where(v => Built.All(m => m.Version != v))
            .Select(v => new MigrationState(v, "not in this build: a newer build applied it, or the history was edited", Applied: true, InThisBuild: false));
        return Known(applied.Contains).Concat(unknown).OrderBy(s => s.Version).ToList();
    }

    /// <summary>Applies pending versions up to <paramref name="targetVersion"/> (latest when null), one at a time.</summary>
    /// <exception cref="DeploymentException">
    /// The target is not a version of this build (<see cref="DeploymentFailureKind.Usage"/>), the database's history
    /// does not match this build (<see cref="DeploymentFailureKind.HistoryMismatch"/>), or a version failed and was
    /// rolled back (<see cref="DeploymentFailureKind.Failed"/>, naming the version the database is still at).
    /// </exception>
    public IReadOnlyList<MigrationStep> Up(long? targetVersion = null, Action<MigrationState>? starting = null, Action<MigrationStep>? finished = null)
    {
        EnsureUpTarget(targetVersion);

        // Under the lock, the applied versions are read afresh: a deployer that waited applies nothing twice.
        var applied = Locked(runner =>
        {
            EnsureHistoryMatches(runner);
            var steps = new List<MigrationStep>();

            // A version whose online steps did not all run (a crash, a failed step) is finished first.
            FinishOnlineSteps(runner);
            foreach (var state in Pending(runner, targetVersion))
            {
                starting?.Invoke(state);
                var watch = Stopwatch.StartNew();
                runner.BeforeVersion();
                if (runner.Connection is NpgsqlConnection npgsql)
                {
                    PostgresOnlineSteps.Forget(npgsql, state.Version);
                }

                RolledBackOnFailure(state, "applying", () => RetriedOnLockTimeout(runner, $"Version {state.Version} ({state.Description})", () => runner.Runner.MigrateUp(state.Version)));
                FinishOnlineSteps(runner);
                var step = new MigrationStep(state.Version, state.Description, watch.Elapsed);
                finished?.Invoke(step);
                steps.Add(step);
            }

            return steps;
        });

        // New tables and indexes get planner statistics at once (see PlannerStatistics).
        if (applied.Count > 0)
        {
            using var connection = SchemaVerifier.Open(_options);
            Maintenance.PlannerStatistics.AfterMigration(connection, _provider);
        }

        return applied;
    }

    /// <summary>Reverts applied versions above <paramref name="targetVersion"/>, newest first (0 reverts all).</summary>
    /// <exception cref="DeploymentException">As for <see cref="Up"/>; the target must be from 0 to the current version.</exception>
    public IReadOnlyList<MigrationStep> Down(long targetVersion, Action<MigrationState>? starting = null, Action<MigrationStep>? finished = null)
    {
        if (targetVersion < 0)
        {
            throw new DeploymentException(DeploymentFailureKind.Usage, $"Cannot go down to version {targetVersion}: versions start at 0 (0 removes every version).");
        }

        return Locked(runner =>
        {
            EnsureHistoryMatches(runner);
            var steps = new List<MigrationStep>();

            // Down undoes the whole version: what its online steps build must exist first.
            FinishOnlineSteps(runner);
            var current = Known(runner.HasApplied).Where(s => s.Applied).Select(s => s.Version).DefaultIfEmpty(0).Max();
            if (targetVersion > current)
            {
                throw new DeploymentException(DeploymentFailureKind.Usage,
                    $"Cannot go down to version {targetVersion}: the database is at version {current}. Give a version from 0 to {current}, or use up to go higher.");
            }

            var applied = Known(runner.HasApplied).Where(s => s.Applied && s.Version > targetVersion).OrderByDescending(s => s.Version).ToList();
            for (var i = 0; i < applied.Count; i++)
            {
                var state = applied[i];
                starting?.Invoke(state);
                var watch = Stopwatch.StartNew();
                var below = i + 1 < applied.Count ? applied[i + 1].Version : targetVersion;
                runner.BeforeVersion();
                RolledBackOnFailure(state, "reverting", () => RetriedOnLockTimeout(runner, $"Reverting version {state.Version} ({state.Description})", () => runner.Runner.MigrateDown(below)));
                if (runner.Connection is NpgsqlConnection npgsql)
                {
                    PostgresOnlineSteps.Forget(npgsql, state.Version);
                }

                var step = new MigrationStep(state.Version, state.Description, watch.Elapsed);
                finished?.Invoke(step);
                steps.Add(step);
            }

            return steps;
        });
    }

    /// <summary>
    /// Writes the SQL that <see cref="Up"/> would run, without running it or writing to the database: the lock,
    /// one transaction per version with its history statements, and on SQLite the foreign-key handling
    /// around it (off before the transactions, checked before each commit, on again after).
    /// </summary>
    public void Script(TextWriter output, long? targetVersion = null)
    {
        EnsureUpTarget(targetVersion);
        long? key = _provider == DatabaseProvider.Postgres ? MigrationLock.AdvisoryKey(SchemaIdentity, ResolvePostgresSchema()) : null;
        if (key is not null)
        {
            output.WriteLine($"SELECT pg_try_advisory_lock({key}); -- tried again until it returns true or {_options.LockTimeoutSeconds} s pass, on the session that then runs every statement below");
        }
        else
        {
            output.WriteLine($"-- exclusive OS lock on {MigrationLock.SqliteLockFile(_options.ConnectionString)} for the whole run");
            output.WriteLine("PRAGMA foreign_keys = OFF; -- the migrator's connection: rebuilding a parent table must cascade nothing into its children");
        }

        output.WriteLine();
        ScriptMigrations(output, targetVersion);
        output.WriteLine(_provider == DatabaseProvider.Postgres ? $"SELECT pg_advisory_unlock({key});" : "PRAGMA foreign_keys = ON;");
    }

    private void ScriptMigrations(TextWriter output, long? targetVersion)
    {
        // A SQLite file that does not exist yet is empty: preview against memory rather than create the file.
        // An existing one is opened read-only, so previewing cannot change it (not even its journal mode).
        var connectionString = IsMissingSqliteFile()
            ? "Data Source=:memory:"
            : _provider == DatabaseProvider.Sqlite
                ? SqliteConnectionSetup.ReadOnly(_options.ConnectionString)
                : null;
        WithRunner(output, runner =>
        {
            foreach (var state in Pending(runner, targetVersion))
            {
                output.WriteLine("BEGIN;");
                output.WriteLine();
                runner.Runner.MigrateUp(state.Version);
                runner.PreviewedAsApplied(state.Version);
                if (_provider == DatabaseProvider.Sqlite)
                {
                    output.WriteLine("PRAGMA foreign_key_check; -- any row returned fails the version, which is rolled back");
                    output.WriteLine();
                }

                output.WriteLine("COMMIT;");
                output.WriteLine();
                ScriptOnlineSteps(output, state.Version);
            }

            return 0;
        }, connectionString);
    }

    private void ScriptOnlineSteps(TextWriter output, long version)
    {
        var online = _provider == DatabaseProvider.Postgres ? Built.First(m => m.Version == version).PostgresOnlineUp : Array.Empty<string>();
        if (online.Count == 0)
        {
            return;
        }

        output.WriteLine($"-- Online steps of version {version}: each on its own after the COMMIT, outside any transaction, under lock_timeout " +
                         $"{_options.Migrations.LockTimeout} (retried), recorded in {PostgresOnlineSteps.Table} when done.");
        output.WriteLine(PostgresOnlineSteps.CreateTableSql + ";");
        output.WriteLine();
        for (var i = 0; i < online.Count; i++)
        {
            if (PostgresOnlineSteps.IsBatched(online[i]))
            {
                output.WriteLine($"-- up runs this in batches of about {_options.Migrations.BackfillBatchSize} rows, one transaction per range of the table's pages");
            }

            output.WriteLine(PostgresOnlineSteps.WholeTable(online[i]) + ";");
            output.WriteLine(PostgresOnlineSteps.RecordSql(version, i + 1, online[i]) + ";");
            output.WriteLine();
        }
    }

    /// <summary>Runs the online steps of applied versions that are not recorded as done (PostgreSQL), oldest first.</summary>
    private void FinishOnlineSteps(RunnerContext runner)
    {
        if (runner.Connection is not NpgsqlConnection connection)
        {
            return;
        }

        var applied = SchemaVerifier.AppliedVersions(connection, _provider);
        foreach (var step in PostgresOnlineSteps.Pending(connection, Built, applied))
        {
            runner.BeforeVersion();
            var what = $"Version {step.Version}, online step {step.Step} of {step.Count} ({step.Summary})";
            Progress?.Invoke(what);
            if (Echo is { } echo)
            {
                echo.WriteLine($"SQL: {step.Statement.Split('\n')[0]}");
                echo.Flush();
            }

            try
            {
                RetriedOnLockTimeout(runner, what, () => PostgresOnlineSteps.Run(connection, step, _options.Migrations.BackfillBatchSize, Progress));
            }
            catch (Exception ex) when (ex is not DeploymentException)
            {
                var failure = DeploymentException.From(ex, _options);
                throw new DeploymentException(failure.Kind,
                    $"{what} failed. Version {step.Version} itself is applied (its transaction committed); the steps before this one are done, and " +
                    $"up continues from this one when run again. {failure.Message}");
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> (a whole version's transaction, or one online step) again while it
    /// fails because a statement waited longer than lock_timeout (or deadlocked with the application): it
    /// was rolled back, so the migrator holds no lock while it waits, with exponential backoff and jitter,
    /// up to LockRetryTotal.
    /// </summary>
    private void RetriedOnLockTimeout(RunnerContext runner, string what, Action attempt)
    {
        var watch = Stopwatch.StartNew();
        var settings = _options.Migrations;
        for (var tries = 0; ; tries++)
        {
            try
            {
                attempt();
                return;
            }
            // SqlState first: the connection is only asked for once it is known to be alive (the getter would reopen a dead one).
            catch (Exception ex) when (SqlState(ex) is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.QueryCanceled &&
                                       runner.Connection is NpgsqlConnection connection)
            {
                if (SqlState(ex) == PostgresErrorCodes.QueryCanceled)
                {
                    throw new DeploymentException(DeploymentFailureKind.Failed,
                        $"{what} was stopped: a statement ran longer than {MigrationOptions.SectionName}:StatementTimeout ({settings.StatementTimeout}) and was rolled back; " +
                        $"{WhereTheDatabaseIs()}. Raise the setting if the step needs longer.");
                }

                var blockers = PostgresLockWaits.Blockers(connection);
                var delay = Backoff(tries);
                if (watch.Elapsed + delay > settings.LockRetryTotal)
                {
                    throw new DeploymentException(DeploymentFailureKind.LockTimeout,
                        $"Gave up on {what} after {watch.Elapsed.TotalSeconds:F0} s: each try waited longer than {MigrationOptions.SectionName}:LockTimeout ({settings.LockTimeout}) " +
                        $"for a lock held by {blockers}, and was rolled back, so nothing of it is held; {WhereTheDatabaseIs()}. " +
                        $"Run up again when those transactions end, or raise {MigrationOptions.SectionName}:LockRetryTotal.");
                }

                Waiting?.Invoke(SqlState(ex) == PostgresErrorCodes.DeadlockDetected
                    ? $"{what} deadlocked with an application transaction (PostgreSQL ended it); rolled back, retrying in {delay.TotalSeconds:F1} s."
                    : $"{what} waited {settings.LockTimeout.TotalSeconds:0.###} s for a lock held by {blockers}; rolled back, retrying in {delay.TotalSeconds:F1} s.");
                Thread.Sleep(delay);
            }
        }
    }

    // 250 ms doubling to at most 15 s, each wait a random 50-100 % of that: deployers and retries do not march in step.
    private static TimeSpan Backoff(int tries)
    {
        var ceiling = Math.Min(15_000, 250 * Math.Pow(2, Math.Min(tries, 10)));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    private static string? SqlState(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException postgres)
            {
                return postgres.SqlState;
            }
        }

        return null;
    }

    private IReadOnlyList<MigrationState> Pending(RunnerContext runner, long? targetVersion) =>
        Known(runner.HasApplied).Where(s => !s.Applied && (targetVersion is null || s.Version <= targetVersion)).ToList();

    private string KnownVersions => string.Join(", ", Built.Select(m => m.Version));

    private void EnsureUpTarget(long? targetVersion)
    {
        if (targetVersion is { } to && Built.All(m => m.Version != to) && to != 0)
        {
            throw new DeploymentException(DeploymentFailureKind.Usage,
                $"Cannot go up to version {to}: this build knows versions {KnownVersions}. Give one of them, or no target for the latest.");
        }
    }

    /// <summary>Refuses to change a database whose recorded history this build cannot account for.</summary>
    // Read on the migrator's own connection, under the lock: a second connection could see another file
    // (a link not yet followed to a created file) or, on PostgreSQL, another session's view.
    private void EnsureHistoryMatches(RunnerContext runner)
    {
        var problems = SchemaVerifier.HistoryProblems(runner.Connection, _provider, Built);
        if (problems.Count > 0)
        {
            throw new DeploymentException(DeploymentFailureKind.HistoryMismatch,
                "The database's history does not match this build, so nothing was changed:\n  - " + string.Join("\n  - ", problems) +
                "\nDeploy with the build that applied those versions, or run verify to see every difference.");
        }
    }

    /// <summary>Runs one version's transaction; a failure says that it was rolled back and where the database is.</summary>
    private void RolledBackOnFailure(MigrationState state, string doing, Action run)
    {
        try
        {
            run();
        }
        catch (Exception ex) when (ex is not DeploymentException)
        {
            var failure = DeploymentException.From(ex, _options);
            if (failure.Kind != DeploymentFailureKind.Failed)
            {
                throw failure;
            }

            throw new DeploymentException(DeploymentFailureKind.Failed,
                $"Version {state.Version} ({state.Description}) failed while {doing} and was rolled back; {WhereTheDatabaseIs()}. {failure.Message}");
        }
    }

    // Read afresh rather than assumed: the message must say what the database really records.
    private string WhereTheDatabaseIs()
    {
        try
        {
            using var connection = SchemaVerifier.Open(_options, readOnly: true);
            return $"the database is still at version {SchemaVerifier.AppliedVersions(connection, _provider).DefaultIfEmpty(0).Max()}";
        }
        catch (System.Data.Common.DbException)
        {
            return "its version could not be read back (run status)";
        }
    }

    private string SchemaIdentity => BuiltMigrations.SchemaIdentity(_migrations);

    private TimeSpan LockTimeout => TimeSpan.FromSeconds(_options.LockTimeoutSeconds);

    /// <summary>
    /// Runs <paramref name="action"/> holding the migration lock. On PostgreSQL the lock is taken on the
    /// session FluentMigrator migrates through, and each version first checks that the session still holds
    /// it: a session that was ended loses its lock and its open transaction together, and a new session
    /// opened in its place would hold no lock, so it stops there.
    /// </summary>
    private T Locked<T>(Func<RunnerContext, T> action)
    {
        if (_provider == DatabaseProvider.Sqlite)
        {
            using var held = MigrationLock.Acquire(_options, SchemaIdentity, LockTimeout, Waiting);
            return WithRunner(null, action);
        }

        long? lostKey = null;
        try
        {
            return WithRunner(null, runner =>
            {
                var connection = (NpgsqlConnection)runner.Connection;
                var key = MigrationLock.AdvisoryKey(SchemaIdentity, runner.Schema);
                using var held = MigrationLock.AcquireOn(connection, key, LockTimeout, Waiting);
                PostgresLockWaits.LimitSession(connection, _options.Migrations);
                PostgresSchema.CreateConfigured(connection, _options);
                runner.BeforeVersion = () => MigrationLock.EnsureHeld(connection, key);
                try
                {
                    return action(runner);
                }
                catch when (connection.FullState != System.Data.ConnectionState.Open)
                {
                    lostKey = key;
                    throw;
                }
            });
        }
        catch (Exception ex) when (lostKey is { } key && ex is not MigrationLockLostException)
        {
            // FluentMigrator's own cleanup on the dead session may throw on top; the cause is the lost session.
            throw MigrationLock.Lost(key, ex);
        }
    }

    private string ResolvePostgresSchema()
    {
        using var connection = (NpgsqlConnection)SchemaVerifier.Open(_options);
        return PostgresSchema.Of(connection, _options);
    }

    private static void AddParameter(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private IReadOnlyList<MigrationState> Known(Func<long, bool> isApplied) =>
        Built.Select(m => new MigrationState(m.Version, m.Description, isApplied(m.Version))).ToList();

    private T WithRunner<T>(TextWriter? script, Func<RunnerContext, T> action, string? connectionString = null)
    {
        var schema = _provider == DatabaseProvider.Postgres ? ResolvePostgresSchema() : string.Empty;
        using var services = BuildServices(script ?? Echo, connectionString ?? MigratorConnectionString(), schema, preview: script is not null);
        using var scope = services.CreateScope();
        try
        {
            return action(new RunnerContext(scope.ServiceProvider, schema));
        }
        finally
        {
            if (_provider == DatabaseProvider.Sqlite)
            {
                // Release the file: pooled connections would otherwise keep it open after we return.
                SqliteConnection.ClearAllPools();
            }
        }
    }

    // PostgreSQL: a pooled session would keep the advisory lock after it was closed, until reused. The driver's
    // command timeout sits above statement_timeout, so the server's clearer error comes first.
    private string MigratorConnectionString() =>
        _provider == DatabaseProvider.Postgres
            ? new NpgsqlConnectionStringBuilder(PostgresSchema.ConnectionString(_options))
            {
                Pooling = false,
                CommandTimeout = (int)Math.Min(int.MaxValue, _options.Migrations.StatementTimeout.TotalSeconds + 60),
            }.ConnectionString
            : _options.ConnectionString;

    private ServiceProvider BuildServices(TextWriter? script, string connectionString, string schema, bool preview)
    {
        var services = new ServiceCollection()
            .AddFluentMigratorCore()
            .ConfigureRunner(runner =>
            {
                if (_provider == DatabaseProvider.Sqlite)
                {
                    runner.AddSQLite();
                }
                else
                {
                    runner.AddPostgres();
                }

                runner.WithGlobalConnectionString(connectionString)
                    .WithVersionTable(new AgentHiveVersionTable(schema))
                    .ScanIn(_migrations).For.Migrations();
            })
            .Configure<ProcessorOptions>(o =>
            {
                o.PreviewOnly = preview;
                if (_provider == DatabaseProvider.Postgres)
                {
                    o.Timeout = _options.Migrations.StatementTimeout + TimeSpan.FromSeconds(60);
                }
            })
            .AddLogging(logging =>
            {
                logging.ClearProviders();
                if (script is not null)
                {
                    logging.AddProvider(new SqlScriptLogger(script, echo: !preview, _options.ConnectionString));
                }
            });

        if (_provider == DatabaseProvider.Sqlite)
        {
            services.AddScoped<SQLiteDbFactory>(sp => new ConfiguredSqliteDbFactory(sp, _options.SqliteBusyTimeoutSeconds));
        }

        return services.BuildServiceProvider(validateScopes: false);
    }

    private bool IsMissingSqliteFile() =>
        _provider == DatabaseProvider.Sqlite && SqliteConnectionSetup.IsMissingFile(_options.ConnectionString);

    private sealed class RunnerContext
    {
        private readonly IServiceProvider _services;
        private IVersionLoader? _versions;

        public RunnerContext(IServiceProvider services, string schema)
        {
            _services = services;
            Runner = services.GetRequiredService<IMigrationRunner>();
            Schema = schema;
        }

        public IMigrationRunner Runner { get; }

        /// <summary>The PostgreSQL schema that holds our tables; empty on SQLite.</summary>
        public string Schema { get; }

        /// <summary>Runs before each version is applied or reverted.</summary>
        public Action BeforeVersion { get; set; } = () => { };

        /// <summary>The processor's own connection, open: the session every migration statement runs on.</summary>
        public System.Data.Common.DbConnection Connection
        {
            get
            {
                var connection = (System.Data.Common.DbConnection)((GenericProcessorBase)Runner.Processor).Connection;
                if (connection.State != System.Data.ConnectionState.Open)
                {
                    connection.Open();
                }

                return connection;
            }
        }

        // Resolved on first use, so that FluentMigrator reads (and creates) its version table only under the lock.
        public bool HasApplied(long version)
        {
            if (_versions is null)
            {
                _versions = _services.GetRequiredService<IVersionLoader>();
                _versions.LoadVersionInfo();
            }

            return _versions.VersionInfo.HasAppliedMigration(version);
        }

        // A preview records nothing, so the runner must be told what the previewed versions already did.
        public void PreviewedAsApplied(long version)
        {
            HasApplied(version);
            _versions!.VersionInfo.AddAppliedMigration(version);
        }
    }
}
