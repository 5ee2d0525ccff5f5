using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>
/// One FluentMigrator migration per schema version. Each carries its own SQL text rather than pointing
/// at the current schema, so a shipped version keeps running exactly what it ran when it shipped.
/// </summary>
internal static class MigrationEmitter
{
    public static string ClassName(int version) => "SchemaVersion" + version.ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>Recorded with every applied version: which generator wrote its SQL.</summary>
    public static readonly string ToolVersion = "AgentHive.Generator/" + typeof(MigrationEmitter).Assembly.GetName().Version!.ToString(3);

    public static string Emit(SchemaModel schema, VersionPlan plan)
    {
        var ns = schema.Namespace + ".Migrations";
        var className = ClassName(plan.Version);
        var w = new SourceWriter().Header(ns);
        w.Summary($"Schema '{schema.Name}' version {plan.Version}: {plan.Description}");
        if (plan.DownCannotRestore.Count > 0)
        {
            w.Line("/// <remarks>Down cannot bring back what Up removed:");
            foreach (var loss in plan.DownCannotRestore)
            {
                w.Line($"/// {SourceWriter.Escape(loss)};");
            }

            w.Line("/// </remarks>");
        }

        w.Line($"[global::FluentMigrator.Migration({plan.Version}, {SourceWriter.Literal(plan.Description)})]");
        w.Open($"public sealed partial class {className} : global::FluentMigrator.Migration");
        w.Line("/// <summary>SHA-256 of this version's SQLite Up and Down SQL, as recorded when the version is frozen.</summary>");
        w.Line($"public const string SqliteChecksum = {SourceWriter.Literal(plan.SqliteChecksum)};");
        w.Line();
        w.Line("/// <summary>SHA-256 of this version's PostgreSQL Up and Down SQL, as recorded when the version is frozen.</summary>");
        w.Line($"public const string PostgresChecksum = {SourceWriter.Literal(plan.PostgresChecksum)};");
        w.Line();
        w.Line("/// <summary>True once the version is frozen in history: its SQL can no longer change.</summary>");
        w.Line($"public const bool Frozen = {(plan.Frozen ? "true" : "false")};");
        w.Line();
        w.Line("/// <summary>What Down cannot restore (data Up removed).</summary>");
        w.Open("public static global::System.Collections.Generic.IReadOnlyList<string> DownCannotRestore { get; } = new string[]");
        foreach (var loss in plan.DownCannotRestore)
        {
            w.Line(SourceWriter.Literal(loss) + ",");
        }

        w.Close(";");
        w.Line();
        foreach (var (name, summary, statements) in new (string, string, EquatableArray<string>)[]
                 {
                     ("SqliteUp", "What Up runs on SQLite.", plan.SqliteUp),
                     ("SqliteDown", "What Down runs on SQLite.", plan.SqliteDown),
                     ("PostgresUp", "What Up runs on PostgreSQL.", plan.PostgresUp),
                     ("PostgresDown", "What Down runs on PostgreSQL.", plan.PostgresDown),
                 })
        {
            w.Line($"/// <summary>{summary}</summary>");
            SchemaEmitter.WriteArray(w, name, statements);
            w.Line();
        }

        w.Line("/// <summary>");
        w.Line("/// PostgreSQL steps of Up that run after its transaction commits, one at a time, each recorded when done");
        w.Line("/// (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT, batched backfills): SchemaMigrator runs them, not Up().");
        w.Line("/// </summary>");
        SchemaEmitter.WriteArray(w, "PostgresOnlineUp", plan.PostgresOnlineUp);
        w.Line();

        var guarded = plan.DownGuards.Count > 0;
        if (guarded)
        {
            w.Line("/// <summary>Queries Down runs first; each returns a message when rows the previous version refuses block it.</summary>");
            SchemaEmitter.WriteArray(w, "DownGuards", plan.DownGuards);
            w.Line();
        }

        // The history row commits with the migration: a version is recorded exactly when its SQL took effect.
        foreach (var dialect in new ISqlDialect[] { SqliteDialect.Instance, PostgresDialect.Instance })
        {
            var checksum = dialect is SqliteDialect ? plan.SqliteChecksum : plan.PostgresChecksum;
            w.Line($"/// <summary>Records this version in the schema history on {dialect.Name}, with its checksum.</summary>");
            SchemaEmitter.WriteArray(w, dialect.Name + "RecordUp", new[]
            {
                SchemaHistoryTable.Create(dialect),
                SchemaHistoryTable.Insert(dialect, plan.Version, plan.Description, checksum, ToolVersion),
            });
            w.Line();
            w.Line($"/// <summary>Removes this version from the schema history on {dialect.Name}.</summary>");
            SchemaEmitter.WriteArray(w, dialect.Name + "RecordDown", new[] { SchemaHistoryTable.Delete(plan.Version) });
            w.Line();
        }

        w.Line("/// <inheritdoc/>");
        w.Open("public override void Up()");
        w.Line("BeforeUp();");
        w.Line("Run(SqliteUp, PostgresUp);");
        w.Line("AfterUp();");
        w.Line("Run(SqliteRecordUp, PostgresRecordUp);");
        w.Close();
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Open("public override void Down()");
        w.Line("BeforeDown();");
        if (guarded)
        {
            w.Line("Execute.WithConnection(RefuseBlockedDown);");
        }

        w.Line("Run(SqliteDown, PostgresDown);");
        w.Line("AfterDown();");
        w.Line("Run(SqliteRecordDown, PostgresRecordDown);");
        w.Close();
        w.Line();
        w.Line("/// <summary>Hook for C# data steps that must run before this version's Up SQL (implement in a partial class).</summary>");
        w.Line("partial void BeforeUp();");
        w.Line();
        w.Line("/// <summary>Hook for C# data steps that run after this version's Up SQL.</summary>");
        w.Line("partial void AfterUp();");
        w.Line();
        w.Line("/// <summary>Hook for C# data steps that run before this version's Down SQL.</summary>");
        w.Line("partial void BeforeDown();");
        w.Line();
        w.Line("/// <summary>Hook for C# data steps that run after this version's Down SQL.</summary>");
        w.Line("partial void AfterDown();");
        w.Line();
        w.Line("// Statements are chosen by the processor's database type; a backend we have no SQL for is an error,");
        w.Line("// never a silently empty migration. On SQLite the migrator runs with foreign keys off (so a table");
        w.Line("// rebuild cascades nothing) and every foreign key is checked before the migration commits.");
        w.Open("private void Run(global::System.Collections.Generic.IReadOnlyList<string> sqlite, global::System.Collections.Generic.IReadOnlyList<string> postgres)");
        w.Line("string? databaseType = null;");
        w.Line("IfDatabase(type => { databaseType = type; return false; });");
        w.Line("var isSqlite = databaseType is { } t && t.StartsWith(\"SQLite\", global::System.StringComparison.OrdinalIgnoreCase);");
        w.Line("var isPostgres = databaseType is { } p && p.StartsWith(\"Postgres\", global::System.StringComparison.OrdinalIgnoreCase);");
        w.Open("if (!isSqlite && !isPostgres)");
        w.Line("throw new global::System.NotSupportedException($\"Schema migrations have no SQL for database type '{databaseType}'.\");");
        w.Close();
        w.Line();
        w.Open("foreach (var statement in isSqlite ? sqlite : postgres)");
        w.Line("Execute.Sql(statement);");
        w.Close();
        w.Line();
        w.Open("if (isSqlite)");
        w.Line("Execute.WithConnection(CheckForeignKeys);");
        w.Close();
        w.Close();
        w.Line();
        w.Open("private static void CheckForeignKeys(global::System.Data.IDbConnection connection, global::System.Data.IDbTransaction? transaction)");
        w.Line("using var command = connection.CreateCommand();");
        w.Line("command.Transaction = transaction;");
        w.Line("command.CommandText = \"PRAGMA foreign_key_check\";");
        w.Line("using var reader = command.ExecuteReader();");
        w.Open("if (reader.Read())");
        w.Line("throw new global::System.InvalidOperationException(");
        w.Line("    $\"Version " + plan.Version.ToString(CultureInfo.InvariantCulture) + " would leave a row of '{reader.GetValue(0)}' (rowid {reader.GetValue(1)}) pointing at a missing '{reader.GetValue(2)}' row; nothing was changed.\");");
        w.Close();
        w.Close();
        if (guarded)
        {
            w.Line();
            w.Line("// A clear refusal before any change, instead of a constraint error on a half-rebuilt table.");
            w.Open("private static void RefuseBlockedDown(global::System.Data.IDbConnection connection, global::System.Data.IDbTransaction? transaction)");
            w.Open("foreach (var guard in DownGuards)");
            w.Line("using var command = connection.CreateCommand();");
            w.Line("command.Transaction = transaction;");
            w.Line("command.CommandText = guard;");
            w.Open("if (command.ExecuteScalar() is string refusal)");
            w.Line("throw new global::System.InvalidOperationException(refusal);");
            w.Close();
            w.Close();
            w.Close();
        }

        w.Close();
        return w.ToString();
    }
}
