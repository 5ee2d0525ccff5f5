using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using AgentHive.Generator;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Emit;
using AgentHive.Generator.Model;
using AgentHive.Tests.Database;
using AgentHive.Tests.Evolution;
using Xunit;

namespace AgentHive.Tests.Types;

/// <summary>
/// Version 1 of <see cref="TypeSchemas"/>, with rows, goes up to version 2 (each sized or canonical type
/// changed to or from another type) and back down: values convert as the backend's casts do, and each
/// side equals a fresh install of its version in the catalog.
/// </summary>
public abstract class TypesEvolutionContract : IDisposable
{
    private static readonly HistoryModel History = TypeSchemas.TwoVersions();
    private readonly List<TestDatabase> _databases = new();

    protected abstract TestDatabase NewDatabase();

    protected abstract ISqlDialect Dialect { get; }

    protected abstract IReadOnlyList<string> Up(VersionPlan plan);

    protected abstract IReadOnlyList<string> Down(VersionPlan plan);

    /// <summary>How this backend stores a decimal literal written with its scale's digits.</summary>
    protected abstract string DecimalLiteral(string canonical);

    protected abstract void Apply(TestDatabase database, IReadOnlyList<string> statements);

    public void Dispose()
    {
        foreach (var database in _databases)
        {
            database.Dispose();
        }
    }

    [Fact]
    public void Upgrade_converts_every_value_and_equals_a_fresh_install()
    {
        var database = Populated();

        Apply(database, Up(History.Versions[1]));

        Assert.Equal(3, database.Scalar("SELECT COUNT(*) FROM products"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM products WHERE id = 1 AND name = 'abcd'"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM products WHERE id = 2 AND name = 'xy'"));
        Assert.Equal(1, database.Scalar($"SELECT COUNT(*) FROM products WHERE id = 1 AND price = {DecimalLiteral("12.340")}"));
        Assert.Equal(1, database.Scalar($"SELECT COUNT(*) FROM products WHERE id = 1 AND weight = {DecimalLiteral("1.3")}"));
        Assert.Equal(1, database.Scalar($"SELECT COUNT(*) FROM products WHERE id = 2 AND weight = {DecimalLiteral("-1.3")}"));
        Assert.Equal(1, database.Scalar($"SELECT COUNT(*) FROM products WHERE id = 3 AND weight = {DecimalLiteral("0.0")}"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM products WHERE id = 1 AND balance = '-0.50'"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM products WHERE id = 2 AND balance = '123.45'"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM products WHERE id = 3 AND balance IS NULL"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM products WHERE id = 1 AND stock = -5 AND quantity = 7"));
        Assert.Equal(1, database.Scalar($"SELECT COUNT(*) FROM products WHERE id = 1 AND legacy_price = {DecimalLiteral("20.00")}"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM products WHERE id = 1 AND legacy_day = '2024-03-05'"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM products WHERE id = 1 AND legacy_code = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"));
        Assert.Equal(3, database.Scalar("SELECT COUNT(DISTINCT ref) FROM products"));
        Assert.Equal(3, database.Scalar("SELECT COUNT(*) FROM products WHERE day = '2024-06-01'"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM products WHERE id = 1 AND closes_at = '18:00:05.250000' AND ends_on = '2024-12-31'"));
        database.AssertIntegrity();
        Assert.Equal(FreshCatalog(History.Current), database.Catalog());
    }

    [Fact]
    public void Downgrade_converts_back_and_equals_version_1()
    {
        var database = Populated();
        var before = database.Catalog();
        Apply(database, Up(History.Versions[1]));

        Apply(database, Down(History.Versions[1]));

        Assert.Equal(1, database.Scalar($"SELECT COUNT(*) FROM products WHERE id = 1 AND price = {DecimalLiteral("12.34")}"));
        Assert.Equal(1, database.Scalar($"SELECT COUNT(*) FROM products WHERE id = 1 AND weight = {DecimalLiteral("1.300")}"));
        Assert.Equal(1, database.Scalar($"SELECT COUNT(*) FROM products WHERE id = 1 AND balance = {DecimalLiteral("-0.50")}"));
        Assert.Equal(1, database.Scalar($"SELECT COUNT(*) FROM products WHERE id = 2 AND balance = {DecimalLiteral("123.45")}"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM products WHERE id = 1 AND legacy_day = '2024-03-05' AND stock = -5"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM products WHERE id = 1 AND closes_at = '18:00:05.250000' AND ends_on = '2024-12-31'"));
        database.AssertIntegrity();
        Assert.Equal(before, database.Catalog());
    }

    [Fact]
    public void Downgrade_refuses_to_cut_text_that_no_longer_fits()
    {
        var database = Populated();
        Apply(database, Up(History.Versions[1]));
        database.Execute("INSERT INTO product_links (product_code, label) VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ninechars')");

        Assert.ThrowsAny<DbException>(() => Apply(database, Down(History.Versions[1])));

        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM product_links WHERE label = 'ninechars'"));
    }

    private TestDatabase Populated()
    {
        var database = Track(NewDatabase());
        Apply(database, Up(History.Versions[0]));
        database.Execute(
            "INSERT INTO products (name, price, weight, balance, stock, quantity, legacy_price, legacy_day, legacy_code, closes_at, ends_on) VALUES " +
            $"('abcdefghijkl', {DecimalLiteral("12.34")}, {DecimalLiteral("1.255")}, {DecimalLiteral("-0.50")}, -5, 7, 19.999, '2024-03-05', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', " +
            "'18:00:05.250000', '2024-12-31')");
        database.Execute($"INSERT INTO products (name, price, weight, balance) VALUES ('xy', {DecimalLiteral("0.05")}, {DecimalLiteral("-1.250")}, {DecimalLiteral("123.45")})");
        database.Execute($"INSERT INTO products (name, weight) VALUES ('z', {DecimalLiteral("0.049")})");
        database.Execute("INSERT INTO product_links (product_code, label) VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'abc')");
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

public sealed class SqliteTypesEvolutionTests : TypesEvolutionContract
{
    protected override ISqlDialect Dialect => SqliteDialect.Instance;

    protected override TestDatabase NewDatabase() => new SqliteTestDatabase();

    protected override IReadOnlyList<string> Up(VersionPlan plan) => plan.SqliteUp;

    protected override IReadOnlyList<string> Down(VersionPlan plan) => plan.SqliteDown;

    protected override string DecimalLiteral(string canonical) => StoredDecimal.Scaled(canonical);

    protected override void Apply(TestDatabase database, IReadOnlyList<string> statements) => new SqliteEvolutionTests().ApplyAsMigrator(database, statements);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresTypesEvolutionTests : TypesEvolutionContract
{
    private readonly PostgresServer _server;

    public PostgresTypesEvolutionTests(PostgresServer server) => _server = server;

    protected override ISqlDialect Dialect => PostgresDialect.Instance;

    protected override TestDatabase NewDatabase() => new PostgresTestDatabase(_server);

    protected override IReadOnlyList<string> Up(VersionPlan plan) =>
        plan.PostgresUp.Concat(plan.PostgresOnlineUp.Select(s => PostgresEvolutionTests.Online + s)).ToList();

    protected override IReadOnlyList<string> Down(VersionPlan plan) => plan.PostgresDown;

    protected override string DecimalLiteral(string canonical) => canonical;

    protected override void Apply(TestDatabase database, IReadOnlyList<string> statements) => new PostgresEvolutionTests(_server).ApplyAsMigrator(database, statements);
}
