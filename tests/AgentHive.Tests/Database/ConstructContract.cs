using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Data.Common;
using System.Linq;
using AgentHive.Generator;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Emit;
using AgentHive.Generator.Model;
using AgentHive.Tests.Generator;
using Xunit;

namespace AgentHive.Tests.Database;

/// <summary>
/// The golden-file schema's DDL, run on a real database: every construct it declares is enforced by
/// the backend, and the drop statements remove it all again.
/// </summary>
public abstract class ConstructContract : IDisposable
{
    protected static readonly SchemaModel Shop = HistoryPipeline.Run(ImmutableArray.Create(new SchemaSource("schema.yaml", GoldenTests.SmallSchema))).Model?.Current
        ?? throw new InvalidOperationException("the golden schema does not compile");

    protected ConstructContract(TestDatabase database, ISqlDialect dialect)
    {
        Database = database;
        Dialect = dialect;
        foreach (var statement in DdlBuilder.Create(Shop, dialect))
        {
            Database.Execute(statement);
        }
    }

    protected TestDatabase Database { get; }

    protected ISqlDialect Dialect { get; }

    public void Dispose() => Database.Dispose();

    [Fact]
    public void Json_required_keys_and_shape_are_enforced()
    {
        Database.Execute("INSERT INTO customers (email, profile) VALUES ('a@example.org', '{\"locale\":\"en\"}')");

        var missing = Assert.ThrowsAny<DbException>(() => Database.Execute("INSERT INTO customers (email, profile) VALUES ('b@example.org', '{\"theme\":\"dark\"}')"));
        Assert.Contains("ck_customers_profile_keys", missing.Message);
        Assert.ThrowsAny<DbException>(() => Database.Execute("INSERT INTO customers (email, profile) VALUES ('c@example.org', '[\"locale\"]')"));
        Assert.ThrowsAny<DbException>(() => Database.Execute("INSERT INTO orders (customer_id, extra) VALUES (1, '{\"first\":1}')"));
        Database.Execute("INSERT INTO orders (customer_id, extra) VALUES (1, '[{\"sku\":\"x\"}]')");
    }

    [Fact]
    public void Portable_and_backend_specific_checks_are_enforced()
    {
        var portable = Assert.ThrowsAny<DbException>(() => Database.Execute("INSERT INTO customers (email, profile) VALUES ('a@', '{\"locale\":\"en\"}')"));
        Assert.Contains("ck_customers_1", portable.Message);
        Assert.ThrowsAny<DbException>(() => Database.Execute("INSERT INTO customers (email, profile) VALUES ('nobody.example.org', '{\"locale\":\"en\"}')"));
        var big = "{\"locale\":\"" + new string('x', 20_000) + "\"}";
        var overridden = Assert.ThrowsAny<DbException>(() => Database.Execute($"INSERT INTO customers (email, profile) VALUES ('big@example.org', '{big}')"));
        Assert.Contains("ck_customers_profile_size", overridden.Message);
    }

    [Fact]
    public void State_machine_and_enum_are_enforced()
    {
        Database.Execute("INSERT INTO customers (email, profile) VALUES ('a@example.org', '{\"locale\":\"en\"}')");
        Database.Execute("INSERT INTO orders (customer_id) VALUES (1)");

        Assert.ThrowsAny<DbException>(() => Database.Execute("INSERT INTO orders (customer_id, status) VALUES (1, 'paid')"));
        var skip = Assert.ThrowsAny<DbException>(() => Database.Execute("UPDATE orders SET status = 'shipped'"));
        Assert.Contains("orders.status: illegal transition from 'new' to 'shipped'", skip.Message);
        Assert.ThrowsAny<DbException>(() => Database.Execute("UPDATE orders SET status = 'lost'"));
        Database.Execute("UPDATE orders SET status = 'paid'");
        Database.Execute("UPDATE orders SET status = 'shipped'");
        Assert.ThrowsAny<DbException>(() => Database.Execute("UPDATE orders SET status = 'cancelled'"));
    }

    [Fact]
    public void Indexes_appear_in_the_catalog_as_declared()
    {
        var open = Database.DescribeIndex("ix_orders_open");
        Assert.True(open.Partial);
        Assert.Equal("placed_at", open.Keys[0]);
        Assert.Equal(new[] { "customer_id", "quantity" }, open.Included.Count > 0 ? open.Included : open.Keys.Skip(1));

        var lower = Database.DescribeIndex("ix_orders_note_lower");
        Assert.Equal(new[] { "(expression)", "placed_at" }, lower.Keys);
        Assert.Equal(new[] { "(expression)" }, Database.DescribeIndex("ix_orders_extra_first").Keys);
    }

    [Fact]
    public void Drop_statements_remove_everything()
    {
        foreach (var statement in DdlBuilder.Drop(Shop, Dialect))
        {
            Database.Execute(statement);
        }

        Assert.Empty(Database.Tables());
        Assert.Empty(Database.Triggers());
    }
}

public sealed class SqliteConstructTests : ConstructContract
{
    public SqliteConstructTests()
        : base(new SqliteTestDatabase(), SqliteDialect.Instance)
    {
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresConstructTests : ConstructContract
{
    public PostgresConstructTests(PostgresServer server)
        : base(new PostgresTestDatabase(server), PostgresDialect.Instance)
    {
    }

    [Fact]
    public void Drop_statements_remove_trigger_functions()
    {
        foreach (var statement in DdlBuilder.Drop(Shop, Dialect))
        {
            Database.Execute(statement);
        }

        Assert.Equal(0, Database.Scalar("SELECT COUNT(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace"));
    }

}
