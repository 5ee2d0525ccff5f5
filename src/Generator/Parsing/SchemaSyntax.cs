using System.Collections.Generic;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Parsing;

// What schema.yaml says, shaped but not yet checked for meaning. Every token keeps its position so
// the validator can point at it. Lives only inside one pipeline step, so plain classes suffice.

/// <summary>A scalar value exactly as written, with where it was written.</summary>
public sealed record Token(string Value, LocationInfo Location, bool IsPlain = true, ScalarSource? Source = null)
{
    /// <summary>Where the character at <paramref name="offset"/> of <see cref="Value"/> is written in schema.yaml.</summary>
    public LocationInfo At(int offset) =>
        Source?.Locate(Value, offset) ?? Location with { Column = Location.Column + (IsPlain ? 0 : 1) + offset };
}

public sealed class SchemaSyntax
{
    public LocationInfo Location { get; set; } = null!;
    public Token? Name { get; set; }
    public Token? Namespace { get; set; }
    public Token? Version { get; set; }
    public Token? Description { get; set; }
    public List<EnumSyntax> Enums { get; } = new();
    public List<TableSyntax> Tables { get; } = new();
    public List<Token> AllowDataLossUp { get; } = new();
    public List<Token> AllowDataLossDown { get; } = new();
    public List<StepSyntax> Steps { get; } = new();
    public List<QuerySyntax> Queries { get; } = new();
}

/// <summary>A data step a version runs inside its migration (backfills, fix-ups).</summary>
public sealed class StepSyntax
{
    public StepSyntax(LocationInfo location) => Location = location;

    public LocationInfo Location { get; }
    public Token? Name { get; set; }
    public Token? Phase { get; set; }
    public Token? Sql { get; set; }
    public Token? Sqlite { get; set; }
    public Token? Postgres { get; set; }
}

public sealed class EnumSyntax
{
    public EnumSyntax(Token name) => Name = name;

    public Token Name { get; }
    public Token? TypeName { get; set; }
    public Token? Description { get; set; }
    public List<Token> Values { get; } = new();
    public List<(Token Old, Token New)> ValueMap { get; } = new();
}

public sealed class TableSyntax
{
    public TableSyntax(Token name) => Name = name;

    public Token Name { get; }
    public Token? RenamedFrom { get; set; }
    public Token? Entity { get; set; }
    public Token? Description { get; set; }
    public List<ColumnSyntax> Columns { get; } = new();
    public List<Token>? PrimaryKey { get; set; }
    public LocationInfo? PrimaryKeyLocation { get; set; }
    public List<KeySyntax> Uniques { get; } = new();
    public List<IndexSyntax> Indexes { get; } = new();
    public List<CheckSyntax> Checks { get; } = new();
    public List<StateMachineSyntax> StateMachines { get; } = new();
}

public sealed class ColumnSyntax
{
    public ColumnSyntax(Token name) => Name = name;

    public Token Name { get; }
    public Token? Type { get; set; }
    public Token? Nullable { get; set; }
    public Token? Default { get; set; }
    public Token? PrimaryKey { get; set; }
    public Token? Unique { get; set; }
    public Token? References { get; set; }
    public Token? OnDelete { get; set; }
    public Token? OnUpdate { get; set; }
    public Token? Min { get; set; }
    public Token? Max { get; set; }
    public Token? Description { get; set; }
    public Token? Shape { get; set; }
    public List<Token>? RequiredKeys { get; set; }
    public LocationInfo? RequiredKeysLocation { get; set; }
    public Token? AutoUpdate { get; set; }
    public Token? RenamedFrom { get; set; }
    public Token? Backfill { get; set; }
    public Token? DownBackfill { get; set; }
    public Token? Precision { get; set; }
    public Token? Scale { get; set; }
    public Token? MaxLength { get; set; }
}

/// <summary>A UNIQUE constraint over one or more columns.</summary>
public sealed class KeySyntax
{
    public KeySyntax(LocationInfo location) => Location = location;

    public LocationInfo Location { get; }
    public Token? Name { get; set; }
    public List<Token> Columns { get; } = new();
}

public sealed class IndexSyntax
{
    public IndexSyntax(LocationInfo location) => Location = location;

    public LocationInfo Location { get; }
    public bool HasColumnsKey { get; set; }
    public Token? Name { get; set; }
    public Token? Unique { get; set; }
    public Token? Description { get; set; }
    public Token? Where { get; set; }
    public List<Token>? Include { get; set; }
    public List<IndexEntrySyntax> Columns { get; } = new();
}

public enum IndexEntryKind
{
    Column,
    Json,
    Expression,
}

/// <summary>One key of an index: a column, a JSON path inside a json column, or an expression.</summary>
public sealed class IndexEntrySyntax
{
    public IndexEntrySyntax(IndexEntryKind kind, Token value, LocationInfo location)
    {
        Kind = kind;
        Value = value;
        Location = location;
    }

    public IndexEntryKind Kind { get; }
    public Token Value { get; }
    public LocationInfo Location { get; }
    public Token? Path { get; set; }
    public Token? Order { get; set; }
}

public sealed class CheckSyntax
{
    public CheckSyntax(LocationInfo location) => Location = location;

    public LocationInfo Location { get; }
    public Token? Name { get; set; }
    public Token? Expression { get; set; }
    public Token? Sqlite { get; set; }
    public Token? Postgres { get; set; }
    public Token? Description { get; set; }
}

public sealed class StateMachineSyntax
{
    public StateMachineSyntax(Token column) => Column = column;

    public Token Column { get; }
    public List<Token>? Initial { get; set; }
    public List<Token>? Terminal { get; set; }
    public List<(Token From, List<Token> To)> Transitions { get; } = new();
    public bool HasTransitions { get; set; }
    public Token? Description { get; set; }
}

/// <summary>A query declared under 'queries:'; its SQL is checked against the tables, not run.</summary>
public sealed class QuerySyntax
{
    public QuerySyntax(Token name, LocationInfo location)
    {
        Name = name;
        Location = location;
    }

    public Token Name { get; }
    public LocationInfo Location { get; }
    public Token? Description { get; set; }
    public Token? Sql { get; set; }
    public Token? Sqlite { get; set; }
    public Token? Postgres { get; set; }
    public List<QueryValueSyntax> Parameters { get; } = new();
    public QueryResultSyntax? Result { get; set; }
    public Token? Cardinality { get; set; }
    public List<Token> Uses { get; } = new();
    public List<Token> MustNotScan { get; } = new();
}

/// <summary>A parameter or result column: a name and a type (a schema type or table.column), optionally nullable.</summary>
public sealed class QueryValueSyntax
{
    public QueryValueSyntax(Token name, LocationInfo location)
    {
        Name = name;
        Location = location;
    }

    public Token Name { get; }
    public LocationInfo Location { get; }
    public Token? Type { get; set; }
    public Token? Nullable { get; set; }
}

/// <summary>'result:' as written: a table, a type or column (scalar), or a mapping of named columns (projection).</summary>
public sealed class QueryResultSyntax
{
    public QueryResultSyntax(LocationInfo location) => Location = location;

    public LocationInfo Location { get; }
    public Token? Single { get; set; }
    public Token? TypeName { get; set; }
    public List<QueryValueSyntax> Columns { get; } = new();
    public bool HasColumnsKey { get; set; }
}
