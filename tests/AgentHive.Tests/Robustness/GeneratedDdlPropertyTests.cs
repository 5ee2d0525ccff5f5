using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;
using System.Linq;
using System.Text;
using AgentHive.Generator;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Emit;
using AgentHive.Generator.Model;
using AgentHive.Runtime.Sqlite;
using AgentHive.Tests.Database;
using AgentHive.Tests.Generator;
using Microsoft.CodeAnalysis;
using Npgsql;
using Xunit;

namespace AgentHive.Tests.Robustness;

/// <summary>
/// Random schemas from a fixed seed, each built from the constructs schema.yaml offers (every column
/// type, defaults including hostile text, enums, ranges, checks, indexes, foreign keys): whatever the
/// generator accepts, the real databases must accept too.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GeneratedDdlPropertyTests
{
    private const int Seed = 9;

    // Quotes, backslashes, comment and statement markers, every line break, a control character, non-BMP text.
    private static readonly string[] TextDefaults =
    {
        "it''s", "back\\\\slash", "quote \\\" inside", "line\\nbreak", "crlf\\r\\nend", "sep\\u2028arator", "para\\u2029graph", "nel\\x85",
        "bell\\x01\\x1b", "tab\\there", "😀 emoji", "é ß ж", "-- not a comment", "/* nor this */", "'); DROP TABLE t0; --", "$1 %s {0}", "",
    };

    private readonly PostgresServer _server;

    public GeneratedDdlPropertyTests(PostgresServer server) => _server = server;

    [Fact]
    public void SQLite_accepts_the_DDL_of_300_random_accepted_schemas()
    {
        var models = AcceptedModels(300, Seed);
        using var connection = SqliteConnectionSetup.Open("Data Source=:memory:");
        foreach (var (yaml, model) in models)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, transaction, DdlBuilder.Create(model, SqliteDialect.Instance), yaml);
            Execute(connection, transaction, DdlBuilder.Drop(model, SqliteDialect.Instance), yaml);
            transaction.Rollback();
        }
    }

    [Fact]
    public void PostgreSQL_accepts_the_DDL_of_60_random_accepted_schemas()
    {
        var models = AcceptedModels(60, Seed + 1);
        var name = "agenthive_ddl_" + Guid.NewGuid().ToString("N");
        var connectionString = _server.CreateDatabase(name);
        try
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            foreach (var (yaml, model) in models)
            {
                using var transaction = connection.BeginTransaction();
                Execute(connection, transaction, DdlBuilder.Create(model, PostgresDialect.Instance), yaml);
                transaction.Rollback();
            }
        }
        finally
        {
            _server.DropDatabase(name);
        }
    }

    /// <summary>Generated schemas the generator accepts; most must be, or the test would prove little.</summary>
    private static List<(string Yaml, SchemaModel Model)> AcceptedModels(int count, int seed)
    {
        var random = new Random(seed);
        var result = new List<(string, SchemaModel)>();
        var rejected = new List<string>();
        while (result.Count < count)
        {
            var yaml = RandomSchema(random);
            var run = HistoryPipeline.Run(ImmutableArray.Create(new SchemaSource(GeneratorHarness.SchemaPath, yaml)));
            if (run.Model is { } history)
            {
                result.Add((yaml, history.Current));
            }
            else
            {
                rejected.Add(string.Join("; ", run.Diagnostics.Where(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error)
                    .Select(d => $"{d.Id} {d.Location.Line}:{d.Location.Column} {d.Message}")) + "\n" + yaml);
                Assert.True(rejected.Count <= count / 10, $"the generator rejected {rejected.Count} random schemas, e.g.:\n{rejected[0]}");
            }
        }

        return result;
    }

    private static void Execute(DbConnection connection, DbTransaction transaction, IEnumerable<string> statements, string yaml)
    {
        foreach (var statement in statements)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = statement;
            try
            {
                command.ExecuteNonQuery();
            }
            catch (DbException ex)
            {
                throw new Xunit.Sdk.XunitException($"{ex.Message}\nstatement:\n{statement}\nschema:\n{yaml}");
            }
        }
    }

    private static string RandomSchema(Random random)
    {
        var yaml = new StringBuilder("version: 1\nenums:\n");
        var enums = new List<string[]>();
        for (var e = 0; e < 1 + random.Next(2); e++)
        {
            var values = Enumerable.Range(0, 2 + random.Next(3)).Select(v => $"v{e}_{v}" + (random.Next(3) == 0 ? "-x" : string.Empty)).ToArray();
            enums.Add(values);
            yaml.Append(CultureInfo.InvariantCulture, $"  level{e}: [{string.Join(", ", values)}]\n");
        }

        yaml.Append("tables:\n");
        var tableCount = 1 + random.Next(4);
        for (var t = 0; t < tableCount; t++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  t{t}:\n    columns:\n      id: id\n");
            var columns = new List<(string Name, string Type, bool Nullable)>();
            for (var c = 0; c < 1 + random.Next(6); c++)
            {
                var type = random.Next(10) switch
                {
                    0 => "integer", 1 => "bigint", 2 => "real", 3 => "boolean", 4 => "text", 5 => "timestamp", 6 => "json", 7 => "blob",
                    8 => "level" + random.Next(enums.Count), _ => "text",
                };
                var nullable = random.Next(3) == 0;
                var name = $"c{c}";
                var options = new List<string> { $"type: {type}" };
                if (nullable)
                {
                    options.Add("nullable: true");
                }

                if (random.Next(2) == 0 && Default(type, enums, random) is { } value)
                {
                    options.Add("default: " + value);
                }

                if (type is "integer" or "bigint" or "real" && random.Next(3) == 0 && !options.Any(o => o.StartsWith("default", StringComparison.Ordinal)))
                {
                    options.Add(type == "real" ? "min: -0.5" : "min: -3");
                    options.Add(type == "real" ? "max: 1e6" : "max: 9000000000".Substring(0, type == "integer" ? 8 : 11));
                }

                if (type == "text" && random.Next(5) == 0)
                {
                    options.Add("unique: true");
                }

                columns.Add((name, type, nullable));
                yaml.Append(CultureInfo.InvariantCulture, $"      {name}: {{ {string.Join(", ", options)} }}\n");
            }

            if (t > 0 && random.Next(2) == 0)
            {
                var nullableReference = random.Next(2) == 0;
                var onDelete = nullableReference ? new[] { "setNull", "cascade", "restrict", "noAction" }[random.Next(4)] : new[] { "cascade", "restrict" }[random.Next(2)];
                yaml.Append(CultureInfo.InvariantCulture,
                    $"      parent_id: {{ type: bigint, nullable: {(nullableReference ? "true" : "false")}, references: t{random.Next(t)}, onDelete: {onDelete} }}\n");
                columns.Add(("parent_id", "bigint", nullableReference));
            }

            var indexable = columns.Where(c => c.Type is not ("json" or "blob")).ToList();
            var indexes = new StringBuilder();
            foreach (var column in indexable.Where(_ => random.Next(2) == 0))
            {
                indexes.Append(CultureInfo.InvariantCulture, $"      - columns: [{column.Name}{(random.Next(3) == 0 ? " desc" : string.Empty)}]\n");
                if (column.Nullable && random.Next(2) == 0)
                {
                    indexes.Append(CultureInfo.InvariantCulture, $"        where: {column.Name} IS NOT NULL\n");
                }
            }

            if (indexable.Count > 1)
            {
                indexes.Append(CultureInfo.InvariantCulture, $"      - name: ix_t{t}_pair\n        columns: [{indexable[0].Name}, {indexable[1].Name}]\n");
            }

            if (indexes.Length > 0)
            {
                yaml.Append("    indexes:\n").Append(indexes);
            }

            var numbers = columns.Where(c => c.Type is "integer" or "bigint" or "real").ToList();
            var texts = columns.Where(c => c.Type == "text").ToList();
            if (numbers.Count > 0 || texts.Count > 0)
            {
                yaml.Append("    checks:\n");
                foreach (var number in numbers)
                {
                    yaml.Append(CultureInfo.InvariantCulture, $"      - expression: {number.Name} IS NULL OR {number.Name} > -1000000 OR {number.Name} = 0\n");
                }

                foreach (var text in texts)
                {
                    yaml.Append(CultureInfo.InvariantCulture, $"      - expression: length({text.Name}) < 100000 OR {text.Name} IN ('a', 'it''s')\n");
                }
            }
        }

        return yaml.ToString();
    }

    private static string? Default(string type, List<string[]> enums, Random random) => type switch
    {
        "integer" => new[] { "0", "-1", "2147483647", "-2147483648", "42" }[random.Next(5)],
        "bigint" => new[] { "0", "9223372036854775807", "-9223372036854775808", "7" }[random.Next(4)],
        "real" => new[] { "0", "0.5", "-1.25", "1e10", "3" }[random.Next(5)],
        "boolean" => random.Next(2) == 0 ? "true" : "false",
        "text" => "\"" + TextDefaults[random.Next(TextDefaults.Length)] + "\"",
        "timestamp" => "now",
        "json" => random.Next(2) == 0 ? "'{}'" : "'[]'",
        "blob" => null,
        _ when type.StartsWith("level", StringComparison.Ordinal) => enums[int.Parse(type.Substring(5), CultureInfo.InvariantCulture)][random.Next(2)],
        _ => null,
    };
}
