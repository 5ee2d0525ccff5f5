using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace AgentHive.Generator.Diagnostics;

/// <summary>Every diagnostic the generator reports. IDs are stable: never reuse or renumber one.</summary>
public static class DiagnosticDescriptors
{
    private const string Category = "AgentHive.Schema";

    public static readonly DiagnosticDescriptor YamlSyntax = Error("AH0001",
        "schema.yaml is not valid YAML",
        "schema.yaml is not valid YAML: {0}. Fix the YAML syntax at this position.");

    public static readonly DiagnosticDescriptor NoSchemaFile = Warning("AH0002",
        "No schema file",
        "The AgentHive generator is referenced but the project has no schema file. Create schema.yaml in the project directory, or point the AgentHiveSchemaFile property at yours (or add <AdditionalFiles Include=\"...\" AgentHiveRole=\"Schema\" />).");

    public static readonly DiagnosticDescriptor MultipleSchemaFiles = Error("AH0003",
        "More than one schema.yaml",
        "More than one schema.yaml is given as AdditionalFiles ({0}). Keep one per project.");

    public static readonly DiagnosticDescriptor WrongNodeKind = Error("AH0004",
        "Unexpected YAML node",
        "{0} must be {1}, not {2}");

    public static readonly DiagnosticDescriptor UnknownKey = Error("AH0005",
        "Unknown key",
        "Unknown key '{0}' in {1}. Allowed keys: {2}.");

    public static readonly DiagnosticDescriptor MissingKey = Error("AH0006",
        "Required key missing",
        "{0} needs the key '{1}'");

    public static readonly DiagnosticDescriptor InvalidValue = Error("AH0007",
        "Invalid value",
        "'{0}' is not a valid value for {1}. Expected {2}.");

    // A YAML mapping key written twice (a table, a column, a key of one mapping); AH0013 is for names that
    // clash across lists or scopes, such as two indexes of different tables.
    public static readonly DiagnosticDescriptor DuplicateKey = Error("AH0008",
        "Duplicate key",
        "Duplicate {0} '{1}'{2}. Each {0} must be declared once; rename or remove this one.");

    public static readonly DiagnosticDescriptor ToolkitTableName = Error("AH0009",
        "Table name reserved for the toolkit",
        "Table name '{0}' starts with 'agenthive_', which the toolkit uses for its own tables (schema history, versions, SQLite rebuilds) and which 'verify' ignores. Choose another name.");

    public static readonly DiagnosticDescriptor UnknownType = Error("AH0010",
        "Unknown column type",
        "Column '{0}' has unknown type '{1}'. Use one of: {2}, or the name of an enum declared under 'enums'.");

    public static readonly DiagnosticDescriptor InvalidIdentifier = Error("AH0011",
        "Invalid identifier",
        "'{0}' is not a valid {1} name: use lower-case letters, digits and underscores, starting with a letter, at most 63 characters");

    public static readonly DiagnosticDescriptor ReservedIdentifier = Error("AH0012",
        "Reserved identifier",
        "'{0}' is an SQL reserved word and cannot name a {1}. Choose another name (for example '{0}_value').");

    public static readonly DiagnosticDescriptor DuplicateName = Error("AH0013",
        "Duplicate name",
        "{0} '{1}' is declared more than once{2}. Rename or remove this one.");

    public static readonly DiagnosticDescriptor MissingPrimaryKey = Error("AH0014",
        "Table has no primary key",
        "Table '{0}' has no primary key. Mark a column 'primaryKey: true', give a column type 'id', or list columns under 'primaryKey'.");

    public static readonly DiagnosticDescriptor MissingTable = Error("AH0015",
        "Referenced table does not exist",
        "{0} references table '{1}', which is not declared under 'tables'");

    public static readonly DiagnosticDescriptor MissingColumn = Error("AH0016",
        "Referenced column does not exist",
        "{0} references column '{1}', which table '{2}' does not have");

    public static readonly DiagnosticDescriptor IndexColumnMissing = Error("AH0017",
        "Index on a missing column",
        "Index '{0}' lists column '{1}', which table '{2}' does not have");

    public static readonly DiagnosticDescriptor ForeignKeyTypeMismatch = Error("AH0018",
        "Foreign key type mismatch",
        "Column '{0}' ({1}) references '{2}' ({3}); a foreign key column must have the referenced column's type ({4})");

    public static readonly DiagnosticDescriptor ForeignKeyTargetNotKey = Error("AH0019",
        "Foreign key target is not a key",
        "Column '{0}' references '{1}', which is neither the primary key nor unique; reference a key column");

    public static readonly DiagnosticDescriptor InvalidDefault = Error("AH0020",
        "Default does not fit the column",
        "Default '{0}' does not fit column '{1}' of type {2}: {3}");

    public static readonly DiagnosticDescriptor GeneratedNameCollision = Error("AH0021",
        "Generated C# names collide",
        "{0} '{1}' and '{2}' both become the C# name '{3}'. Rename one of them.");

    public static readonly DiagnosticDescriptor InvalidRange = Error("AH0022",
        "Invalid range",
        "Column '{0}': {1}");

    public static readonly DiagnosticDescriptor SetNullOnRequiredColumn = Error("AH0023",
        "SET NULL on a NOT NULL column",
        "Column '{0}' is not nullable, so 'on{1}: setNull' would fail at run time. Make the column 'nullable: true' or choose another action.");

    public static readonly DiagnosticDescriptor IdTypeNotSolePrimaryKey = Error("AH0024",
        "'id' type used outside a single-column primary key",
        "Column '{0}' has type 'id', which is the database-assigned primary key; a table has at most one such column and it is its whole primary key. Use 'bigint' for a column that refers to an id.");

    public static readonly DiagnosticDescriptor EmptyEnum = Error("AH0025",
        "Enum without values",
        "Enum '{0}' has no values. List at least one.");

    public static readonly DiagnosticDescriptor InvalidEnumValue = Error("AH0026",
        "Invalid enum value",
        "Enum '{0}' value '{1}' is not valid: use lower-case letters, digits, '_' or '-', starting with a letter");

    public static readonly DiagnosticDescriptor ForeignKeyCycle = Error("AH0027",
        "Foreign key cycle between tables",
        "Tables {0} reference each other in a cycle, which cannot be created in one pass on PostgreSQL. Break the cycle (a self-reference within one table is fine).");

    public static readonly DiagnosticDescriptor InvalidVersion = Error("AH0028",
        "Invalid schema version",
        "'{0}' is not a valid schema version. Use a whole number from 1 to {1}.");

    public static readonly DiagnosticDescriptor EmptyIndex = Error("AH0029",
        "Index without columns",
        "{0} on table '{1}' lists no columns");

    public static readonly DiagnosticDescriptor InvalidExpression = Error("AH0030",
        "Invalid portable expression",
        "{0} is not a valid portable expression: {1}");

    public static readonly DiagnosticDescriptor OptionNotForType = Error("AH0031",
        "Option does not fit the column type",
        "'{0}' does not apply to column '{1}' of type {2}; it applies to {3} columns");

    public static readonly DiagnosticDescriptor CheckWithoutExpression = Error("AH0032",
        "Check without an expression",
        "A check on table '{0}' needs 'expression', or both 'sqlite' and 'postgres'");

    public static readonly DiagnosticDescriptor InvalidStateMachineColumn = Error("AH0033",
        "State machine on an unsuitable column",
        "The state machine of '{0}' needs a column that is {1}");

    public static readonly DiagnosticDescriptor UndeclaredState = Error("AH0034",
        "Transition to an undeclared state",
        "'{0}' is not a value of enum '{1}', so the state machine of '{2}' cannot use it. Add it to the enum or fix the name.");

    public static readonly DiagnosticDescriptor TerminalStateWithTransitions = Error("AH0035",
        "Terminal state with transitions",
        "State '{0}' is declared terminal but has transitions to {1}. Remove it from 'terminal' or remove its transitions.");

    public static readonly DiagnosticDescriptor InvalidJsonPath = Error("AH0036",
        "Invalid JSON key or path",
        "'{0}' is not a valid JSON {1}: use letters, digits, '_' and '-'{2}");

    public static readonly DiagnosticDescriptor InvalidValueMap = Error("AH0037",
        "Invalid value map",
        "'valueMap' entry '{0}' of enum '{1}' is not valid: {2}");

    public static readonly DiagnosticDescriptor SetDefaultWithoutDefault = Error("AH0038",
        "SET DEFAULT on a NOT NULL column without a default",
        "Column '{0}' is not nullable and has no default, so 'on{1}: setDefault' would set NULL and fail at run time. Give the column a 'default' or choose another action.");

    public static readonly DiagnosticDescriptor DefaultNotInitialState = Error("AH0039",
        "Default is not an initial state",
        "Default '{0}' of '{1}' is not an initial state of its state machine ({2}), so every insert that relies on it is refused. Make the default an initial state or add it to 'initial'.");

    public static readonly DiagnosticDescriptor InvalidTypeSize = Error("AH0045",
        "Invalid precision, scale or length",
        "{0} of column '{1}' is not valid: {2}");

    public static readonly DiagnosticDescriptor ForeignKeyWithoutIndex = Warning("AH0040",
        "Foreign key without a supporting index",
        "Foreign key '{0}' has no index that starts with it, so deleting or updating a '{1}' row scans '{2}' and joins on it are slow. Add an index on ({3}).");

    public static readonly DiagnosticDescriptor RedundantIndex = Warning("AH0041",
        "Index is a prefix of another",
        "Index '{0}' on ({1}) is a prefix of '{2}', which serves the same queries. Remove '{0}' (every index slows every write).");

    public static readonly DiagnosticDescriptor UnreachableState = Warning("AH0042",
        "Unreachable state",
        "The state machine of '{0}' never reaches {1} from its initial states. Add transitions into {2} or remove it from the enum.");

    public static readonly DiagnosticDescriptor PartialIndexConditionConstant = Warning("AH0043",
        "Partial index condition that is the same for every row",
        "{0} of index '{1}' is always {2} ({3}). {4}");

    public static readonly DiagnosticDescriptor TypeNameShadowsSystemType = Warning("AH0044",
        "Generated type name clashes with a .NET type",
        "{0} becomes C# type '{1}', which clashes with {2} in every project with implicit usings (CS0104 in your code). Set '{3}:' on the {4} to another name, e.g. '{5}'.");

    public static readonly DiagnosticDescriptor VersionNotBumped = Error("AH0050",
        "Schema changed without a new version",
        "schema.yaml differs from frozen version {0} ({1}). Set 'version: {2}' to make the change a new version.");

    public static readonly DiagnosticDescriptor FrozenVersionChanged = Error("AH0051",
        "Frozen version would change",
        "The {1} SQL of frozen version {0} no longer matches its recorded checksum ({2}, now {3}). A shipped migration must not change: restore {4} (or the generator) instead of editing history.");

    public static readonly DiagnosticDescriptor MissingHistory = Error("AH0052",
        "Versions missing from history",
        "schema.yaml is version {0} but frozen versions {1} are missing. Run 'schema freeze' after each release so every earlier version stays in history.");

    public static readonly DiagnosticDescriptor MissingChecksum = Error("AH0053",
        "Frozen version without a checksum",
        "Frozen version {0} has no {1} checksum in schema.checksums. Run 'schema freeze' to record it.");

    public static readonly DiagnosticDescriptor DataLoss = Error("AH0054",
        "Change loses data",
        "Version {0} loses data: {1}. If that loss is intended, list '{2}' under 'allowDataLoss.up'.");

    public static readonly DiagnosticDescriptor UnknownRename = Error("AH0055",
        "Rename of something that does not exist",
        "'renamedFrom: {0}' names no {1} of version {2}");

    public static readonly DiagnosticDescriptor NotNullWithoutValue = Error("AH0056",
        "New NOT NULL column without a value for existing rows",
        "Version {0} makes column '{1}' NOT NULL {2}; existing rows need a value. Give it a 'default' or a 'backfill' expression.");

    public static readonly DiagnosticDescriptor UnusedDataLossAllowance = Warning("AH0057",
        "allowDataLoss entry matches nothing",
        "'allowDataLoss{1}' lists '{0}', but {2}. Remove the entry.");

    public static readonly DiagnosticDescriptor FrozenVersionMismatch = Error("AH0058",
        "Frozen file with the wrong version",
        "{0} is named for version {1} but declares version {2}");

    public static readonly DiagnosticDescriptor StepRepeated = Warning("AH0059",
        "Data step carried over from the previous version",
        "Step '{0}' is the same as a step of version {1}, so it would run again in version {2}. Steps belong to one version: remove it from schema.yaml.");

    public static readonly DiagnosticDescriptor DownWithoutWayBack = Warning("AH0060",
        "Going down re-imposes a rule without a declared way back",
        "Going down from version {0} to {1}, column '{2}' may no longer hold {3}, which version {0} allows; such rows would block the downgrade. " +
        "Declare 'downBackfill' on the column: an expression, in version {0}'s column names, giving those rows a value on the way down (or 'downBackfill: refuse' to keep them blocking it).");

    public static readonly DiagnosticDescriptor UnusedDownBackfill = Warning("AH0061",
        "downBackfill with nothing to restore",
        "Column '{0}' declares 'downBackfill', but going down from version {1} re-imposes no rule on it (NOT NULL, enum values, a narrower type). Remove the entry.");

    public static readonly DiagnosticDescriptor GeneratedTypeCollision = Error("AH0070",
        "Generated C# types or files collide",
        "{0} becomes the C# type '{1}', which {2} already takes{3}. {4}");

    public static readonly DiagnosticDescriptor NameNotAllowedInCSharp = Error("AH0071",
        "Name C# cannot take",
        "'{0}' cannot be {1}: {2}. {3}");

    public static readonly DiagnosticDescriptor TextNotAllowed = Error("AH0072",
        "Text the databases or the generated C# cannot hold",
        "This value {0}. {1}");

    public static readonly DiagnosticDescriptor YamlLimit = Error("AH0073",
        "schema.yaml exceeds a reading limit",
        "{0}. {1}");

    public static readonly DiagnosticDescriptor MultipleYamlDocuments = Error("AH0074",
        "More than one YAML document",
        "schema.yaml holds a second YAML document from here on, which would be ignored. Keep one document: remove this '---' and merge what follows into the first, or delete it.");

    public static readonly DiagnosticDescriptor DataAccessMemberCollision = Error("AH0075",
        "Generated data access members collide",
        "{0} becomes the member '{1}' of the generated class {2}, which {3} already takes. {4}");

    public static readonly DiagnosticDescriptor QueryUnknownTable = Error("AH0080",
        "Query names an unknown table",
        "{0} names table '{1}', which {2}. Fix the name, or declare the table under 'tables'.");

    public static readonly DiagnosticDescriptor QueryUnknownColumn = Error("AH0081",
        "Query names an unknown column",
        "{0} names column '{1}', which {2}. Fix the name, or qualify it with the table or alias it belongs to.");

    public static readonly DiagnosticDescriptor QueryParameterUndeclared = Error("AH0082",
        "Query parameter used but not declared",
        "Query '{0}' uses parameter '@{1}' in its {2} SQL but does not declare it. Add '{1}' under 'parameters' with its type (a schema type such as integer, or a column such as tasks.status).");

    public static readonly DiagnosticDescriptor QueryParameterUnused = Error("AH0083",
        "Query parameter declared but not used",
        "Query '{0}' declares parameter '{1}', which its {2} SQL never uses (write it '@{1}'). Use it or remove it.");

    public static readonly DiagnosticDescriptor QueryUnknownIndex = Error("AH0084",
        "Query expects an unknown index",
        "Query '{0}' lists '{1}' under 'uses', but no table declares an index of that name. Use one of the declared indexes ({2}).");

    public static readonly DiagnosticDescriptor QueryResultMismatch = Error("AH0085",
        "Query result and cardinality contradict",
        "Query '{0}': {1}. {2}");

    public static readonly DiagnosticDescriptor QueryNameClash = Error("AH0086",
        "Query names clash",
        "Query '{0}' becomes the C# {1} '{2}', which {3} already takes. Rename the query{4}.");

    public static readonly DiagnosticDescriptor QueryUnknownType = Error("AH0087",
        "Query value of unknown type",
        "{0} has type '{1}', which is neither a schema type ({2}), an enum, nor a column written table.column");

    public static readonly DiagnosticDescriptor QuerySqlUnreadable = Error("AH0088",
        "Query SQL cannot be checked",
        "The {0} SQL of query '{1}' {2}. Fix the SQL so it can be checked against the schema.");

    public static readonly DiagnosticDescriptor QueryExpectationOffTable = Error("AH0089",
        "Plan expectation about a table the query does not read",
        "Query '{0}' lists '{1}' under '{2}', but its SQL does not read table '{3}'{4}. Remove the entry or fix the SQL.");
    // Online migrations: operations of the version being developed that rewrite or scan a populated table
    // while writers wait. Warnings, suppressible per code (NoWarn) once the wait is accepted.
    public static readonly DiagnosticDescriptor SqliteTableRebuild = Warning("AH0090",
        "SQLite table rebuilt by the upgrade",
        "Version {0} rebuilds SQLite table '{1}' because {2}: every row is copied and every index rebuilt while the migration holds the database's write lock, " +
        "so writers wait for the whole copy (about 200,000 rows/s). To change the table in place, keep the version to what ALTER TABLE can do " +
        "(add a column that is nullable or has a constant default, rename or drop a column no constraint uses, add or drop indexes); " +
        "otherwise deploy when writers can wait (see docs/online-migrations.md).");

    public static readonly DiagnosticDescriptor PostgresTypeRewrite = Warning("AH0091",
        "Type change rewrites the PostgreSQL table",
        "Version {0} changes column '{1}' from {2} to {3}: PostgreSQL rewrites table '{4}' and its indexes under an ACCESS EXCLUSIVE lock, which blocks every read and write of it until the migration commits. " +
        "The migrator changes such a type online (a shadow column copied in batches, then a short swap) except here, because {5}. " +
        "Safer: add a new column of the new type, backfill it in batches, move the application over to it, and drop the old column in a later version.");

    public static readonly DiagnosticDescriptor UniqueConstraintOnExistingTable = Warning("AH0092",
        "UNIQUE constraint added to an existing table",
        "Version {0} adds UNIQUE constraint '{1}' to existing table '{2}': PostgreSQL builds its index inside the migration's transaction under an ACCESS EXCLUSIVE lock, " +
        "blocking reads and writes of the table for the whole build, and SQLite rebuilds the table. " +
        "Safer: declare a unique index instead ('indexes:' with 'unique: true'), which SQLite adds without a rebuild and PostgreSQL can build CONCURRENTLY.");

    public static readonly DiagnosticDescriptor NonConstantDefaultOnAddedColumn = Warning("AH0093",
        "Column added to an existing table with a default that is not a constant",
        "Version {0} adds column '{1}' to existing table '{2}' with 'default: {3}': {4} " +
        "Safer: add the column without this default (nullable, or with a constant default) and let the application write the value, as the generated entities do; backfill existing rows in a step.");

    public static readonly DiagnosticDescriptor RenameBreaksRunningVersions = Warning("AH0094",
        "Rename breaks application instances still running the previous version",
        "Version {0} renames {1} '{2}' to '{3}': application instances still running version {4} use the old name and fail from the moment the upgrade commits. " +
        "Safer for a rolling deploy: add '{3}' as a new {1}, write both and backfill it, move every reader over, and drop '{2}' in a later version.");

    // AH0100-AH0109: workload declarations (queue, retention, memory).
    public static readonly DiagnosticDescriptor WorkloadColumn = Error("AH0100",
        "Workload declaration names an unsuitable column",
        "The {0} of table '{1}' needs {2} column '{3}' to be {4}. {5}");

    public static readonly DiagnosticDescriptor QueueStateNotInEnum = Error("AH0101",
        "Queue state is not a value of the state column's enum",
        "'{0}' is not a value of enum '{1}', so the {2} of table '{3}' cannot use it. Use one of: {4}.");

    public static readonly DiagnosticDescriptor QueueStateRoles = Error("AH0102",
        "Queue states overlap or miss a role",
        "The queue of table '{0}': {1}. {2}");

    public static readonly DiagnosticDescriptor QueueTransitionMissing = Error("AH0103",
        "State machine forbids a move the queue makes",
        "The queue of table '{0}' moves '{1}' from '{2}' to '{3}' ({4}), which the state machine of '{0}.{1}' does not allow. Add '{3}' to the transitions from '{2}'.");

    public static readonly DiagnosticDescriptor InvalidDuration = Error("AH0104",
        "Not a duration",
        "'{0}' is not a valid duration for {1}. Write a whole number with a unit: 500ms, 30s, 5m, 2h or 7d{2}.");

    public static readonly DiagnosticDescriptor DeduplicationNeedsUniqueIndex = Error("AH0105",
        "De-duplication without a unique index",
        "The memory of table '{0}' de-duplicates on ({1}) but no unique index or constraint covers exactly those columns. Add one (an index with unique: true and columns [{1}]), so two rows with the same owner and hash cannot exist.");

    public static readonly DiagnosticDescriptor WorkloadSetting = Error("AH0106",
        "Workload setting out of range",
        "'{0}' is not a valid value for {1} of table '{2}'. Expected {3}.");

    // AH0110-AH0114: partitioned retention (PostgreSQL range partitions by the retention's time column).
    public static readonly DiagnosticDescriptor PartitionTimeColumn = Error("AH0110",
        "Partition key column cannot be partitioned by",
        "The retention of table '{0}' partitions by '{1}', which {2}. {3}");

    public static readonly DiagnosticDescriptor PartitionCombination = Error("AH0111",
        "Partitioning combined with a declaration it cannot serve",
        "The retention of table '{0}' declares 'partition' together with {1}: {2}. {3}");

    public static readonly DiagnosticDescriptor PartitionUniqueWithoutTime = Error("AH0112",
        "Unique key of a partitioned table without the time column",
        "{0} '{1}' of table '{2}' does not include the partition column '{3}': PostgreSQL enforces uniqueness on a partitioned table only for keys that contain its partition column. " +
        "Add '{3}' to the key's columns, or remove 'partition' from the retention of '{2}'.");

    public static readonly DiagnosticDescriptor ForeignKeyToPartitionedTable = Error("AH0113",
        "Foreign key references a partitioned table",
        "Foreign key '{0}' of table '{1}' references '{2}', whose retention declares 'partition': its primary key on PostgreSQL is ({3}), so no key of '{2}' alone can be referenced, " +
        "and dropping an expired partition would have to reach into '{1}'. Remove the reference (keep the column as a plain value), or remove 'partition' from the retention of '{2}'.");

    public static readonly DiagnosticDescriptor PartitioningChanged = Error("AH0114",
        "Partitioning of an existing table changed",
        "Version {0} {1} existing table '{2}': PostgreSQL cannot turn a table into a partitioned one (or back, or change its interval) in place, and this toolkit does not copy a populated table behind the application's back. " +
        "Keep the table as it was in version {3}, and instead add a new table with the wanted partitioning in this version, copy the rows over in a 'steps:' entry (INSERT INTO new SELECT ... FROM old), " +
        "and drop the old table in a later version once nothing reads it.");

    private static readonly Dictionary<string, DiagnosticDescriptor> All = typeof(DiagnosticDescriptors)
        .GetFields()
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToDictionary(d => d.Id);

    public static DiagnosticDescriptor ById(string id) => All[id];

    public static IEnumerable<DiagnosticDescriptor> Descriptors => All.Values.OrderBy(d => d.Id);

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
}
