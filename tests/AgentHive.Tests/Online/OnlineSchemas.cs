using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using AgentHive.Generator;
using AgentHive.Generator.Model;
using AgentHive.Tests.Evolution;
using Microsoft.Data.Sqlite;

namespace AgentHive.Tests.Online;

/// <summary>A small queue table at version 1, and versions 2 that change it in ways SQLite can make in place.</summary>
public static class OnlineSchemas
{
    public const string Version1 = """
        schema: jobs
        namespace: Jobs
        version: 1
        enums:
          job_state: [queued, running, done]
        tables:
          owners:
            columns:
              id: id
              name: text
          jobs:
            columns:
              id: id
              owner_id: { type: bigint, references: owners, onDelete: cascade }
              name: text
              state: { type: job_state, default: queued }
              note: { type: text, nullable: true }
              created_at: { type: timestamp, default: now }
              updated_at: { type: timestamp, default: now, autoUpdate: true }
            indexes:
              - columns: [owner_id]
        """;

    /// <summary>The change the issue measures: one nullable column and an index on it.</summary>
    public static readonly string NullableColumnAndIndex = Version1
        .Replace("version: 1", "version: 2")
        .Replace("      note: { type: text, nullable: true }\n", "      note: { type: text, nullable: true }\n      label: { type: text, nullable: true }\n")
        .Replace("      - columns: [owner_id]", "      - columns: [owner_id]\n      - name: ix_jobs_label\n        columns: [label]");

    /// <summary>Every kind of change SQLite makes in place: added columns with a constant default and CHECK, a nullable reference, a rename, a new index.</summary>
    public static readonly string EveryInPlaceChange = Version1
        .Replace("version: 1", "version: 2")
        .Replace("      note: { type: text, nullable: true }\n",
            "      remark: { type: text, nullable: true, renamedFrom: note }\n" +
            "      attempts: { type: integer, default: 0, min: 0, max: 50 }\n" +
            "      retry_state: { type: job_state, default: queued }\n" +
            "      parent_id: { type: bigint, nullable: true, references: jobs, onDelete: setNull }\n" +
            "      summary: { type: text, nullable: true, backfill: \"'job ' || name\" }\n")
        .Replace("      - columns: [owner_id]", "      - columns: [owner_id]\n      - columns: [parent_id]\n      - name: ix_jobs_queue\n        columns: [attempts, created_at]\n        where: state = 'queued'");

    /// <summary>Version 1 frozen with its checksums, and <paramref name="version2"/> as schema.yaml.</summary>
    public static HistoryModel History(string version2)
    {
        var result = HistoryPipeline.Run(EvolutionSchemas.History(version2,
            ("/project/history/schema.v1.yaml", Version1), ("/project/history/schema.checksums", EvolutionSchemas.ChecksumsOf(Version1))));
        return result.Model ?? throw new InvalidOperationException(string.Join("\n", result.Diagnostics.Select(d => $"{d.Id}: {d.Message}")));
    }

    /// <summary>Runs statements as the migrator does: foreign keys off around one transaction, every key checked before commit.</summary>
    public static void Apply(string path, IEnumerable<string> statements)
    {
        using var connection = Runtime.Sqlite.SqliteConnectionSetup.Open($"Data Source={path};Pooling=False", foreignKeys: false);
        using var transaction = connection.BeginTransaction();
        foreach (var statement in statements)
        {
            Execute(connection, transaction, statement);
        }

        using (var check = connection.CreateCommand())
        {
            check.Transaction = transaction;
            check.CommandText = "PRAGMA foreign_key_check";
            using var reader = check.ExecuteReader();
            if (reader.Read())
            {
                throw new InvalidOperationException("foreign_key_check found a violation before commit");
            }
        }

        transaction.Commit();
    }

    /// <summary>Owners and jobs in bulk: <paramref name="jobs"/> rows, every fifth with a note.</summary>
    public static void Populate(string path, int jobs)
    {
        using var connection = Runtime.Sqlite.SqliteConnectionSetup.Open($"Data Source={path};Pooling=False");
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, "INSERT INTO owners (name) VALUES ('ada'), ('bob'), ('cy')");
        Execute(connection, transaction,
            $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {jobs}) " +
            "INSERT INTO jobs (owner_id, name, state, note, created_at, updated_at) " +
            "SELECT 1 + i % 3, 'job ' || i, 'queued', CASE WHEN i % 5 = 0 THEN 'note ' || i END, " +
            "'2024-01-01 00:00:00.000000+00:00', '2024-01-01 00:00:00.000000+00:00' FROM n");
        transaction.Commit();
    }

    public static long Scalar(string path, string sql)
    {
        using var connection = Runtime.Sqlite.SqliteConnectionSetup.Open($"Data Source={path};Pooling=False");
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static string Text(string path, string sql)
    {
        using var connection = Runtime.Sqlite.SqliteConnectionSetup.Open($"Data Source={path};Pooling=False");
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
    }

    public static void Execute(DbConnection connection, DbTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The catalog as verify reads it.</summary>
    public static Runtime.Deployment.SchemaSnapshot Snapshot(string path)
    {
        using var connection = Runtime.Sqlite.SqliteConnectionSetup.Open($"Data Source={path};Pooling=False");
        return Runtime.Deployment.SchemaSnapshot.Read(connection);
    }

    public static void Release() => SqliteConnection.ClearAllPools();
}
