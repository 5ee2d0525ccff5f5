using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Emit;
using AgentHive.Generator.Model;
using AgentHive.Tests.Database;
using Xunit;

namespace AgentHive.Tests.Evolution;

/// <summary>
/// Version 1 of <see cref="EvolutionSchemas"/>, full of rows (cascade children, self-references), goes
/// up to version 2, which makes every kind of change, and back down. Nothing is lost that the schema did
/// not allow to be lost, and each side equals a fresh install of its version in the catalog.
/// </summary>
public abstract class EvolutionContract : IDisposable
{
    private static readonly HistoryModel History = EvolutionSchemas.TwoVersions();
    private readonly List<TestDatabase> _databases = new();

    protected abstract TestDatabase NewDatabase();

    protected abstract ISqlDialect Dialect { get; }

    protected abstract IReadOnlyList<string> Up(VersionPlan plan);

    protected abstract IReadOnlyList<string> Down(VersionPlan plan);

    /// <summary>Runs statements as the migrator does: one transaction, checks before commit.</summary>
    protected abstract void Apply(TestDatabase database, IReadOnlyList<string> statements);

    /// <summary>The same, for other evolution tests of this backend.</summary>
    public void ApplyAsMigrator(TestDatabase database, IReadOnlyList<string> statements) => Apply(database, statements);


    public void Dispose()
    {
        foreach (var database in _databases)
        {
            database.Dispose();
        }
    }

    [Fact]
    public void Upgrade_keeps_every_row_maps_values_and_equals_a_fresh_install()
    {
        var database = Populated();

        Apply(database, Up(History.Versions[1]));

        Assert.Equal(3, database.Scalar("SELECT COUNT(*) FROM customers"));
        Assert.Equal(5, database.Scalar("SELECT COUNT(*) FROM orders"));
        Assert.Equal(6, database.Scalar("SELECT COUNT(*) FROM order_labels"));
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM reviews"));
        Assert.Equal(1 + 2 + 3 + 4 + 5, database.Scalar("SELECT SUM(item_count) FROM orders"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM orders WHERE id = 1 AND status = 'created'"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM orders WHERE id = 3 AND status = 'cancelled'"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM orders WHERE id = 2 AND replaces_order_id = 1"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM customers WHERE id = 1 AND tier = 'gold' AND score = 107"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM customers WHERE id = 3 AND country = 'unknown' AND tier = 'basic' AND score = 7"));
        Assert.Equal(2, database.Scalar("SELECT COUNT(*) FROM customers WHERE country <> 'unknown'"));
        Assert.Equal(3, database.Scalar("SELECT COUNT(*) FROM order_labels WHERE order_id = 1"));
        database.AssertIntegrity();
        Assert.Equal(FreshCatalog(History.Current), database.Catalog());
    }

    [Fact]
    public void Upgraded_database_enforces_the_new_rules()
    {
        var database = Populated();
        Apply(database, Up(History.Versions[1]));

        Assert.ThrowsAny<DbException>(() => database.Execute("UPDATE orders SET status = 'new' WHERE id = 1"));
        Assert.ThrowsAny<DbException>(() => database.Execute("UPDATE orders SET status = 'delivered' WHERE id = 1"));
        database.Execute("UPDATE orders SET status = 'paid' WHERE id = 1");
        Assert.ThrowsAny<DbException>(() => database.Execute("INSERT INTO reviews (order_id, stars) VALUES (1, 6)"));
        Assert.ThrowsAny<DbException>(() => database.Execute("INSERT INTO order_labels (order_id, tag) VALUES (999, 'orphan')"));
        database.Execute("INSERT INTO reviews (order_id, stars) VALUES (1, 5)");

        database.Execute("DELETE FROM customers WHERE id = 1");

        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM orders WHERE customer_id = 1"));
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM order_labels WHERE order_id IN (1, 2)"));
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM reviews"));
    }

    [Fact]
    public void Downgrade_restores_version_1_with_every_row_and_equals_a_fresh_install()
    {
        var database = Populated();
        var before = database.Catalog();
        Apply(database, Up(History.Versions[1]));

        Apply(database, Down(History.Versions[1]));

        Assert.Equal(3, database.Scalar("SELECT COUNT(*) FROM customers"));
        Assert.Equal(5, database.Scalar("SELECT COUNT(*) FROM orders"));
        Assert.Equal(6, database.Scalar("SELECT COUNT(*) FROM order_tags"));
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM legacy_notes"));
        Assert.Equal(1 + 2 + 3 + 4 + 5, database.Scalar("SELECT SUM(quantity) FROM orders"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM orders WHERE id = 1 AND status = 'new'"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM orders WHERE id = 3 AND status = 'cancelled'"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM orders WHERE id = 2 AND replaces_order_id = 1"));
        database.AssertIntegrity();
        Assert.Equal(before, database.Catalog());

        Apply(database, Up(History.Versions[1]));
        Assert.Equal(FreshCatalog(History.Current), database.Catalog());
    }

    [Fact]
    public void Downgrade_gives_rows_the_older_version_refuses_their_downBackfill()
    {
        var database = Populated();
        var before = database.Catalog();
        Apply(database, Up(History.Versions[1]));
        database.Execute("UPDATE customers SET vip = NULL WHERE id = 2");
        foreach (var state in new[] { "paid", "shipped", "delivered" })
        {
            database.Execute($"UPDATE orders SET status = '{state}' WHERE id = 5");
        }

        Assert.Empty(Refusals(database, History.Versions[1]));
        Apply(database, Down(History.Versions[1]));

        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM customers WHERE id = 2 AND vip = FALSE"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM customers WHERE id = 1 AND vip = TRUE"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM orders WHERE id = 5 AND status = 'shipped'"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM orders WHERE id = 1 AND status = 'new'"));
        Assert.Equal(5, database.Scalar("SELECT COUNT(*) FROM orders"));
        database.AssertIntegrity();
        Assert.Equal(before, database.Catalog());
    }

    [Fact]
    public void Downgrade_guard_names_table_column_and_blocking_rows_a_refusal_keeps()
    {
        var database = Populated();
        Apply(database, Up(History.Versions[1]));
        database.Execute("UPDATE customers SET score = 5000000000 WHERE id IN (1, 2)");

        var refusal = Assert.Single(Refusals(database, History.Versions[1]));

        Assert.Equal("Cannot go down from version 2 to 1: column 'score' of table 'customers' would hold a value outside the integer range in 2 rows, " +
                     "which version 1 does not allow. Version 2 declares 'downBackfill: refuse' for column 'customers.score': change or delete these rows first.", refusal);
        database.Execute("UPDATE customers SET score = 7 WHERE id = 2");
        Assert.Contains("of table 'customers' would hold a value outside the integer range in 1 row, which", Assert.Single(Refusals(database, History.Versions[1])));
        database.Execute("UPDATE customers SET score = 7 WHERE id = 1");
        Assert.Empty(Refusals(database, History.Versions[1]));
    }

    [Fact]
    public void Downgrade_guard_says_what_to_declare_when_no_way_back_is_declared()
    {
        var undeclared = EvolutionSchemas.TwoVersions(EvolutionSchemas.Version2.Replace("vip: { type: boolean, nullable: true, default: false, downBackfill: \"FALSE\" }",
            "vip: { type: boolean, nullable: true, default: false }"));
        var database = Populated();
        Apply(database, Up(undeclared.Versions[1]));
        database.Execute("UPDATE customers SET vip = NULL WHERE id = 3");

        var refusal = Assert.Single(Refusals(database, undeclared.Versions[1]));

        Assert.Equal("Cannot go down from version 2 to 1: column 'vip' of table 'customers' would hold NULL in 1 row, which version 1 does not allow. " +
                     "Declare 'downBackfill' on column 'customers.vip' in version 2 (an expression giving these rows a value on the way down), or change these rows first.", refusal);
    }

    /// <summary>Runs the version's Down guards as the generated migration does; each non-empty answer is a refusal.</summary>
    private static List<string> Refusals(TestDatabase database, VersionPlan plan)
    {
        using var connection = database.Open();
        var refusals = new List<string>();
        foreach (var guard in plan.DownGuards)
        {
            using var command = connection.CreateCommand();
            command.CommandText = guard;
            if (command.ExecuteScalar() is string refusal)
            {
                refusals.Add(refusal);
            }
        }

        return refusals;
    }

    private TestDatabase Populated()
    {
        var database = Track(NewDatabase());
        Apply(database, Up(History.Versions[0]));
        database.Execute("INSERT INTO customers (email, vip, country, score) VALUES ('ada@example.org', TRUE, 'UK', 7)");
        database.Execute("INSERT INTO customers (email, vip, country, score) VALUES ('bob@example.org', FALSE, 'FR', 7)");
        database.Execute("INSERT INTO customers (email, vip, country, score) VALUES ('cy@example.org', FALSE, NULL, 7)");
        var orders = new[]
        {
            (Customer: 1, Replaces: "NULL", Quantity: 1, Note: "'first'"),
            (Customer: 1, Replaces: "1", Quantity: 2, Note: "NULL"),
            (Customer: 2, Replaces: "NULL", Quantity: 3, Note: "'gift'"),
            (Customer: 2, Replaces: "3", Quantity: 4, Note: "NULL"),
            (Customer: 3, Replaces: "NULL", Quantity: 5, Note: "'rush'"),
        };
        for (var i = 0; i < orders.Length; i++)
        {
            var o = orders[i];
            database.Execute($"INSERT INTO orders (customer_id, replaces_order_id, quantity, note, placed_at) " +
                             $"VALUES ({o.Customer}, {o.Replaces}, {o.Quantity}, {o.Note}, '2024-01-0{i + 1} 10:00:00+00:00')");
        }

        foreach (var state in new[] { "paid", "shipped", "returned" })
        {
            database.Execute($"UPDATE orders SET status = '{state}' WHERE id = 3");
        }

        database.Execute("UPDATE orders SET status = 'cancelled' WHERE id = 4");
        database.Execute("INSERT INTO order_tags (order_id, tag) VALUES (1, 'a'), (1, 'b'), (1, 'c'), (2, 'a'), (3, 'a'), (5, 'z')");
        database.Execute("INSERT INTO legacy_notes (body) VALUES ('old'), ('older')");
        database.AssertIntegrity();
        return database;
    }

    private IReadOnlyList<string> FreshCatalog(SchemaModel schema)
    {
        var fresh = Track(NewDatabase());
        Apply(fresh, DdlBuilder.Create(schema, Dialect));
        return fresh.Catalog();
    }

    private TestDatabase Track(TestDatabase database)
    {
        _databases.Add(database);
        return database;
    }
}

public sealed class SqliteEvolutionTests : EvolutionContract
{
    protected override ISqlDialect Dialect => SqliteDialect.Instance;

    protected override TestDatabase NewDatabase() => new SqliteTestDatabase();

    protected override IReadOnlyList<string> Up(VersionPlan plan) => plan.SqliteUp;

    protected override IReadOnlyList<string> Down(VersionPlan plan) => plan.SqliteDown;

    protected override void Apply(TestDatabase database, IReadOnlyList<string> statements)
    {
        // As the migrator's connection: foreign keys off around the transaction, every key checked before commit.
        using var connection = (Microsoft.Data.Sqlite.SqliteConnection)database.Open();
        Execute(connection, null, "PRAGMA foreign_keys = OFF");
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
            Assert.False(reader.Read(), "foreign_key_check found a violation before commit");
        }

        transaction.Commit();
    }


    private static void Execute(DbConnection connection, DbTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresEvolutionTests : EvolutionContract
{
    private readonly PostgresServer _server;

    public PostgresEvolutionTests(PostgresServer server) => _server = server;

    protected override ISqlDialect Dialect => PostgresDialect.Instance;

    protected override TestDatabase NewDatabase() => new PostgresTestDatabase(_server);

    /// <summary>Marks the statements of <see cref="Up"/> that are online steps: they run after the commit, one by one.</summary>
    public const string Online = "-- online step\n";

    protected override IReadOnlyList<string> Up(VersionPlan plan) => plan.PostgresUp.Concat(plan.PostgresOnlineUp.Select(s => Online + s)).ToList();

    protected override IReadOnlyList<string> Down(VersionPlan plan) => plan.PostgresDown;

    protected override void Apply(TestDatabase database, IReadOnlyList<string> statements)
    {
        using var connection = database.Open();
        using (var transaction = connection.BeginTransaction())
        {
            foreach (var statement in statements.Where(s => !s.StartsWith(Online, StringComparison.Ordinal)))
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = statement;
                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        foreach (var step in statements.Where(s => s.StartsWith(Online, StringComparison.Ordinal)))
        {
            AgentHive.Runtime.Postgres.PostgresOnlineSteps.RunUnrecorded((Npgsql.NpgsqlConnection)connection, step.Substring(Online.Length), 1000, null);
        }
    }


}
