namespace AgentHive.Generator.Model;

/// <summary>The validated schema: everything the emitters need and nothing that carries a position.</summary>
public sealed record SchemaModel(
    string Name,
    string Namespace,
    string TypeName,
    int Version,
    string Description,
    EquatableArray<EnumModel> Enums,
    EquatableArray<TableModel> Tables,
    EquatableArray<string> AllowDataLossUp = default,
    EquatableArray<string> AllowDataLossDown = default,
    EquatableArray<StepModel> Steps = default,
    EquatableArray<QueryModel> Queries = default);

/// <summary>A data step of a version: SQL per backend, run before or after the version's schema changes.</summary>
public sealed record StepModel(string Name, bool Before, string Sqlite, string Postgres);

/// <summary>Rows holding <see cref="Old"/> (no longer a value) become <see cref="New"/> when the version applies.</summary>
public sealed record ValueMapping(string Old, string New);

public sealed record EnumModel(
    string Name,
    string TypeName,
    string? Description,
    EquatableArray<EnumValueModel> Values,
    EquatableArray<ValueMapping> ValueMap = default);

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
    EquatableArray<IndexModel> Indexes,
    EquatableArray<StateMachineModel> StateMachines,
    string? RenamedFrom = null,
    QueueModel? Queue = null,
    RetentionModel? Retention = null,
    MemoryModel? Memory = null)
{
    /// <summary>Columns the database sets to the current time on every update.</summary>
    public System.Collections.Generic.IEnumerable<ColumnModel> AutoUpdateColumns => System.Linq.Enumerable.Where(Columns, c => c.AutoUpdate);

    /// <summary>The declared partitioning (PostgreSQL only), if any.</summary>
    public PartitionModel? Partition => Retention?.Partition;

    /// <summary>The trigger that keeps <see cref="AutoUpdateColumns"/> current.</summary>
    public string TouchTriggerName => Validation.Names.Fit($"tr_{Name}_touch");
}

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
    /// <summary>Exact fixed-point number with <see cref="ColumnModel.Precision"/> digits, <see cref="ColumnModel.Scale"/> after the point.</summary>
    Decimal,
    Date,
    Time,
    Uuid,
    SmallInt,
}

public sealed record ColumnModel(
    string Name,
    string PropertyName,
    ColumnKind Kind,
    string? EnumName,
    bool Nullable,
    DefaultModel? Default,
    string? Description,
    bool AutoUpdate = false,
    string? RenamedFrom = null,
    string? Backfill = null,
    string? DownBackfill = null,
    bool DownRefuses = false,
    int Precision = 0,
    int Scale = 0,
    int? MaxLength = null);

public enum DefaultKind
{
    Text,
    Number,
    Boolean,
    Now,
    EnumValue,
    /// <summary>A decimal literal written with exactly the column's scale digits after the point.</summary>
    Decimal,
    /// <summary>A new random (version 4) UUID per row.</summary>
    RandomUuid,
    /// <summary>A date, time or uuid literal in its canonical text form (yyyy-MM-dd, HH:mm:ss.ffffff, lower-case 8-4-4-4-12).</summary>
    Canonical,
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

/// <summary>A CHECK constraint; the dialect renders <see cref="Rule"/>. <see cref="Column"/> is null for table checks.</summary>
public sealed record CheckModel(string Name, string? Column, CheckRule Rule);

public abstract record CheckRule;

public sealed record InListRule(EquatableArray<string> Values) : CheckRule;

/// <summary>Bounds as written; for a decimal column, with exactly <see cref="Scale"/> digits after the point.</summary>
public sealed record RangeRule(string? Min, string? Max, int Scale = 0) : CheckRule;

/// <summary>
/// The value is in the column type's canonical stored form where the backend has no such type
/// (SQLite: date and time text, lower-case UUID text, smallint range, decimal digit count).
/// </summary>
public sealed record StoredFormRule(ColumnKind Kind, int Precision = 0) : CheckRule;

/// <summary>Text of at most <see cref="MaxLength"/> characters.</summary>
public sealed record MaxLengthRule(int MaxLength) : CheckRule;

public sealed record BooleanRule : CheckRule;

public sealed record JsonValidRule : CheckRule;

/// <summary>The JSON value's top-level type: <c>object</c> or <c>array</c>.</summary>
public sealed record JsonShapeRule(string Shape) : CheckRule;

/// <summary>Top-level keys a JSON object must have.</summary>
public sealed record JsonKeysRule(EquatableArray<string> Keys) : CheckRule;

/// <summary>
/// A declared check: <see cref="Portable"/> is SQL both backends accept (columns already quoted);
/// an override, when given, replaces it for its backend verbatim.
/// </summary>
public sealed record ExpressionRule(string? Portable, string? Sqlite, string? Postgres) : CheckRule;

public sealed record IndexModel(
    string Name,
    EquatableArray<IndexKeyModel> Keys,
    bool Unique,
    string? Description,
    string? Where,
    EquatableArray<string> Include);

public enum IndexKeyKind
{
    Column,
    JsonPath,
    Expression,
}

/// <summary>
/// One index key. <see cref="Value"/> is a column name (Column, JsonPath) or portable SQL (Expression);
/// <see cref="Path"/> holds the JSON path segments.
/// </summary>
public sealed record IndexKeyModel(IndexKeyKind Kind, string Value, EquatableArray<string> Path, bool Descending);

public sealed record TransitionModel(string From, string To);

/// <summary>Allowed values and moves of an enum column, enforced by triggers.</summary>
public sealed record StateMachineModel(
    string Column,
    string EnumName,
    EquatableArray<string> States,
    EquatableArray<string> Initial,
    EquatableArray<TransitionModel> Transitions,
    string? Description)
{
    public string TransitionTriggerName(string table) => Validation.Names.Fit($"tr_{table}_{Column}_transition");

    public string InsertTriggerName(string table) => Validation.Names.Fit($"tr_{table}_{Column}_insert");

    public string FunctionName(string table) => Validation.Names.Fit($"fn_{table}_{Column}_transition");
}
