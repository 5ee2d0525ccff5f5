using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Emit;
using AgentHive.Tests.Database;
using Xunit;

namespace AgentHive.Tests.Types;

/// <summary>
/// Decimal, date, time, uuid, smallint and length-limited text on a real database: values written
/// through the generated entity come back exactly, the database fills its defaults, and values outside
/// the type are refused by the database itself. Explicit ids go in and later ids do not collide.
/// </summary>
public abstract class TypesContract : IDisposable
{
    private static readonly Lazy<CompiledSchema> Compiled = new(() => new CompiledSchema(TypeSchemas.Version1));

    protected TypesContract(TestDatabase database, ISqlDialect dialect)
    {
        Database = database;
        Dialect = dialect;
        foreach (var statement in DdlBuilder.Create(TypeSchemas.Current, dialect))
        {
            Database.Execute(statement);
        }
    }

    protected TestDatabase Database { get; }

    protected ISqlDialect Dialect { get; }

    public void Dispose() => Database.Dispose();

    /// <summary>How this backend stores a decimal literal written with its scale's digits.</summary>
    protected abstract string DecimalLiteral(string canonical);

    /// <summary>A stored decimal read back as C# decimal.</summary>
    protected abstract decimal ReadDecimal(DbDataReader reader, int ordinal, int scale);

    [Fact]
    public void Entity_values_round_trip_exactly()
    {
        using var connection = Database.Open();
        var code = Guid.NewGuid();
        var product = Compiled.Value.New("Catalog.Entities.Product",
            ("Code", code), ("Name", "Ünïcode name"), ("Price", 12345678.91m), ("Weight", -0.005m), ("Balance", -0.5m), ("Stock", (short)-100),
            ("ReleasedOn", new DateOnly(2024, 2, 29)), ("OpensAt", new TimeOnly(23, 59, 58, 123, 456)));

        var id = product.Insert(connection, Dialect.Name);

        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT code, name, price, weight, balance, stock, released_on, opens_at FROM products WHERE id = {id}";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(code, reader.GetFieldValue<Guid>(0));
        Assert.Equal("Ünïcode name", reader.GetString(1));
        Assert.Equal(12345678.91m, ReadDecimal(reader, 2, 2));
        Assert.Equal(-0.005m, ReadDecimal(reader, 3, 3));
        Assert.Equal(-0.50m, ReadDecimal(reader, 4, 2));
        Assert.Equal((short)-100, reader.GetFieldValue<short>(5));
        Assert.Equal(new DateOnly(2024, 2, 29), reader.GetFieldValue<DateOnly>(6));
        Assert.Equal(new TimeOnly(23, 59, 58, 123, 456), reader.GetFieldValue<TimeOnly>(7));
    }

    [Fact]
    public void Entity_rounds_extra_decimal_places_half_away_from_zero_as_numeric_does()
    {
        using var connection = Database.Open();
        var id = Compiled.Value.New("Catalog.Entities.Product", ("Name", "rounded"), ("Price", 0.125m), ("Balance", -2.675m), ("Weight", -0.0005m))
            .Insert(connection, Dialect.Name);

        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT price, balance, weight FROM products WHERE id = {id}";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(0.13m, ReadDecimal(reader, 0, 2));
        Assert.Equal(-2.68m, ReadDecimal(reader, 1, 2));
        Assert.Equal(-0.001m, ReadDecimal(reader, 2, 3));
    }

    [Fact]
    public void Entity_initializers_carry_the_values_the_database_would_store()
    {
        using var connection = Database.Open();
        var first = Compiled.Value.New("Catalog.Entities.Product", ("Name", "first"));
        var second = Compiled.Value.New("Catalog.Entities.Product", ("Name", "second"));

        Assert.NotEqual(Guid.Empty, (Guid)first["Code"]!);
        Assert.NotEqual(first["Code"], second["Code"]);
        Assert.Equal(0.50m, first["Price"]);
        Assert.Equal(new DateOnly(2024, 1, 31), first["ReleasedOn"]);
        Assert.Equal(new TimeOnly(9, 30), first["OpensAt"]);
        Assert.Null(first["Id"]);
        var id = first.Insert(connection, Dialect.Name);
        Assert.Equal(1, Database.Scalar($"SELECT COUNT(*) FROM products WHERE id = {id} AND code = '{first["Code"]}'"));
    }

    [Fact]
    public void Decimals_sum_and_sort_exactly()
    {
        using var connection = Database.Open();
        foreach (var price in Enumerable.Repeat(0.10m, 10).Append(99999999.99m).Append(9.99m).Append(10m))
        {
            Compiled.Value.New("Catalog.Entities.Product", ("Name", "p"), ("Price", price)).Insert(connection, Dialect.Name);
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT SUM(price) FROM products";
        using (var reader = command.ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.Equal(100000020.98m, ReadDecimal(reader, 0, 2));
        }

        command.CommandText = "SELECT price FROM products ORDER BY price DESC LIMIT 3";
        var top = new List<decimal>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                top.Add(ReadDecimal(reader, 0, 2));
            }
        }

        Assert.Equal(new[] { 99999999.99m, 10m, 9.99m }, top);
    }

    [Fact]
    public void Database_defaults_fill_uuid_decimal_date_and_time()
    {
        Database.Execute("INSERT INTO products (name) VALUES ('defaults'), ('more')");

        using var connection = Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT code, price, released_on, opens_at, stock FROM products ORDER BY id";
        using var reader = command.ExecuteReader();
        var codes = new List<Guid>();
        while (reader.Read())
        {
            var code = reader.GetFieldValue<Guid>(0);
            Assert.Equal('4', code.ToString("D")[14]);
            Assert.Contains(code.ToString("D")[19], "89ab");
            codes.Add(code);
            Assert.Equal(0.50m, ReadDecimal(reader, 1, 2));
            Assert.Equal(new DateOnly(2024, 1, 31), reader.GetFieldValue<DateOnly>(2));
            Assert.Equal(new TimeOnly(9, 30), reader.GetFieldValue<TimeOnly>(3));
            Assert.Equal(0, reader.GetFieldValue<short>(4));
        }

        Assert.Equal(2, codes.Distinct().Count());
    }

    [Theory]
    [InlineData("name", "'thirteen char'", "ck_products_name_length")]
    [InlineData("stock", "-101", "ck_products_stock_range")]
    [InlineData("stock", "32768", null)]
    [InlineData("price", "-0.01", "ck_products_price_range")]
    [InlineData("price", "100000000.00", null)]
    [InlineData("released_on", "'2024-02-30'", null)]
    [InlineData("released_on", "'2024-13-01'", null)]
    [InlineData("opens_at", "'24:00:01.000000'", null)]
    [InlineData("code", "'not-a-uuid'", null)]
    public void Value_outside_its_type_is_rejected(string column, string value, string? constraint)
    {
        if (column == "price")
        {
            value = DecimalLiteral(value);
        }

        var sql = column == "name" ? $"INSERT INTO products (name) VALUES ({value})" : $"INSERT INTO products (name, {column}) VALUES ('x', {value})";
        var error = Assert.ThrowsAny<DbException>(() => Database.Execute(sql));

        if (constraint is not null)
        {
            Assert.Contains(constraint, error.Message);
        }

        Assert.Equal(0, Database.Scalar("SELECT COUNT(*) FROM products"));
    }

    [Fact]
    public void Length_limit_counts_characters_not_bytes()
    {
        Database.Execute("INSERT INTO product_links (product_code, label) VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ééééé')");
        Assert.ThrowsAny<DbException>(() => Database.Execute("INSERT INTO product_links (product_code, label) VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'éééééé')"));
    }

    [Fact]
    public void Explicit_ids_are_inserted_and_later_ids_move_past_them()
    {
        using var connection = Database.Open();
        Insert(connection, null);

        Assert.Equal(100, Insert(connection, 100));
        Assert.Equal(101, Insert(connection, null));
        Assert.Equal(50, Insert(connection, 50));
        Assert.Equal(102, Insert(connection, null));
        Assert.ThrowsAny<DbException>(() => Insert(connection, 100));
        Assert.Equal(5, Database.Scalar("SELECT COUNT(*) FROM products"));
    }

    private static long Insert(DbConnection connection, long? id) =>
        Compiled.Value.New("Catalog.Entities.Product", ("Id", id), ("Name", "imported")).Insert(connection, connection is Npgsql.NpgsqlConnection ? "Postgres" : "Sqlite");
}

public sealed class SqliteTypesTests : TypesContract
{
    public SqliteTypesTests()
        : base(new SqliteTestDatabase(), SqliteDialect.Instance)
    {
    }

    protected override string DecimalLiteral(string canonical) => StoredDecimal.Scaled(canonical);

    protected override decimal ReadDecimal(DbDataReader reader, int ordinal, int scale) => reader.GetInt64(ordinal) / (decimal)Math.Pow(10, scale);

    [Theory]
    [InlineData("released_on", "'2024-1-05'")]
    [InlineData("opens_at", "'09:30:00'")]
    [InlineData("code", "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'")]
    [InlineData("price", "1.5")]
    public void Value_not_in_the_canonical_stored_form_is_rejected(string column, string value)
    {
        Assert.ThrowsAny<DbException>(() => Database.Execute($"INSERT INTO products (name, {column}) VALUES ('x', {value})"));
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresTypesTests : TypesContract
{
    public PostgresTypesTests(PostgresServer server)
        : base(new PostgresTestDatabase(server), PostgresDialect.Instance)
    {
    }

    protected override string DecimalLiteral(string canonical) => canonical;

    protected override decimal ReadDecimal(DbDataReader reader, int ordinal, int scale) => reader.GetDecimal(ordinal);

    [Fact]
    public void Verify_sees_a_changed_decimal_precision()
    {
        using var connection = (Npgsql.NpgsqlConnection)Database.Open();
        var expected = AgentHive.Runtime.Deployment.SchemaSnapshot.Read(connection, "public");
        Database.Execute("ALTER TABLE products ALTER COLUMN price TYPE numeric(12,2)");

        var differences = AgentHive.Runtime.Deployment.SchemaSnapshot.Read(connection, "public").DifferencesFrom(expected, "version 1");

        var difference = Assert.Single(differences);
        Assert.Contains("column products.price differs: the database has `numeric(12,2) NOT NULL DEFAULT 0.50`, version 1 has `numeric(10,2)", difference);
    }
}
