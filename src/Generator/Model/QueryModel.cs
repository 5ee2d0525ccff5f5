namespace AgentHive.Generator.Model;

/// <summary>
/// A query declared in schema.yaml's <c>queries:</c> section: one typed method per query, its SQL per
/// backend (the portable text, or a backend's override), and what its plan must (not) do.
/// </summary>
public sealed record QueryModel(
    string Name,
    string MethodName,
    string? Description,
    string Sqlite,
    string Postgres,
    EquatableArray<QueryParameterModel> Parameters,
    QueryResultModel Result,
    QueryCardinality Cardinality,
    EquatableArray<string> Uses,
    EquatableArray<string> MustNotScan);

/// <summary>How many rows a query returns, which decides the generated method's return type.</summary>
public enum QueryCardinality
{
    /// <summary>Exactly one row; none is an error.</summary>
    One,

    /// <summary>One row or none (null).</summary>
    Optional,

    /// <summary>Any number of rows.</summary>
    Many,

    /// <summary>No rows: the method returns the number of rows affected.</summary>
    Exec,
}

/// <summary>
/// A query parameter, written <c>@Name</c> in the SQL. Its type comes from the column it refers to
/// (<see cref="Table"/>.<see cref="Column"/>) or from a schema type; <see cref="Value"/> describes it either way.
/// </summary>
public sealed record QueryParameterModel(string Name, string ArgumentName, QueryValueModel Value, string? Table, string? Column);

public enum QueryResultKind
{
    /// <summary>Whole rows of <see cref="QueryResultModel.Table"/>, read into its entity by column name.</summary>
    Entity,

    /// <summary>Named typed columns, read into a generated record <see cref="QueryResultModel.TypeName"/>.</summary>
    Projection,

    /// <summary>The first column of each row, typed by <see cref="QueryResultModel.Columns"/>[0].</summary>
    Scalar,

    /// <summary>Nothing read; the rows affected (cardinality exec).</summary>
    RowsAffected,
}

public sealed record QueryResultModel(
    QueryResultKind Kind,
    string? Table,
    string? TypeName,
    EquatableArray<QueryColumnModel> Columns);

/// <summary>A result column of a projection or scalar: its name in the result set and its C# property.</summary>
public sealed record QueryColumnModel(string Name, string PropertyName, QueryValueModel Value);

/// <summary>The schema type of a parameter or result value (what a column of that type would hold).</summary>
public sealed record QueryValueModel(
    ColumnKind Kind,
    string? EnumName,
    bool Nullable,
    int Precision = 0,
    int Scale = 0);
