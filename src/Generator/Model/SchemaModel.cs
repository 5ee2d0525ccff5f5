namespace AgentHive.Generator.Model;

/// <summary>The validated schema: everything the emitters need and nothing that carries a position.</summary>
public sealed record SchemaModel(
    string Name,
    string Namespace,
    string TypeName,
    int Version,
    string Description,
    EquatableArray<EnumModel> Enums,
    EquatableArray<TableModel> Tables);

public sealed record EnumModel(string Name, string TypeName, string? Description, EquatableArray<EnumValueModel> Values);

public sealed record EnumValueModel(string Value, string MemberName);

public sealed record TableModel(
    string Name,
    string EntityName,
    string? Description,
    EquatableArray<ColumnModel> Columns,
    PrimaryKeyModel PrimaryKey,
    EquatableArray<UniqueModel> Uniques,
    EquatableArray<ForeignKeyModel> ForeignKeys,
    EquatableArray<CheckModel> Checks,
    EquatableArray<IndexModel> Indexes);

public enum ColumnKind
{
    /// <summary>A 64-bit integer key the database assigns.</summary>
    Id,
    Integer,
    BigInt,
    Real,
    Boolean,
    Text,
    Timestamp,
    Json,
    Blob,
    Enum,
}

public sealed record ColumnModel(
    string Name,
    string PropertyName,
    ColumnKind Kind,
    string? EnumName,
    bool Nullable,
    DefaultModel? Default,
    string? Description);

public enum DefaultKind
{
    Text,
    Number,
    Boolean,
    Now,
    EnumValue,
}

/// <summary>A column default. <see cref="Value"/> is the literal as written (for Now: empty).</summary>
public sealed record DefaultModel(DefaultKind Kind, string Value);

public sealed record PrimaryKeyModel(string Name, EquatableArray<string> Columns, bool IsIdentity);

public sealed record UniqueModel(string Name, EquatableArray<string> Columns);

public enum ReferentialAction
{
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

public sealed record ForeignKeyModel(
    string Name,
    EquatableArray<string> Columns,
    string ReferencedTable,
    EquatableArray<string> ReferencedColumns,
    ReferentialAction OnDelete,
    ReferentialAction OnUpdate);

/// <summary>A generated CHECK constraint; the dialect renders <see cref="Rule"/>.</summary>
public sealed record CheckModel(string Name, string Column, CheckRule Rule);

public abstract record CheckRule;

public sealed record InListRule(EquatableArray<string> Values) : CheckRule;

public sealed record RangeRule(string? Min, string? Max) : CheckRule;

public sealed record BooleanRule : CheckRule;

public sealed record JsonValidRule : CheckRule;

public sealed record IndexModel(string Name, EquatableArray<IndexColumnModel> Columns, bool Unique, string? Description);

public sealed record IndexColumnModel(string Column, bool Descending);
