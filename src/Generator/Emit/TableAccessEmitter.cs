using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>
/// Per table, a typed accessor on the schema's database class: get by primary key and by each unique key,
/// exists, insert (returning the key), insert many, update and delete by key, each sync and async, plus
/// the entity's row mappers (by ordinal for its own statements, by name for query results).
/// </summary>
internal static class TableAccessEmitter
{
    private const string Ct = "global::System.Threading.CancellationToken";
    private const string Behavior = "global::System.Data.CommandBehavior.SingleRow";

    public static string Namespace(SchemaModel schema) => schema.Namespace + ".Data";

    public static string ClassName(TableModel table) => table.EntityName + "Table";

    /// <summary>The accessor's property on the database class.</summary>
    public static string PropertyName(TableModel table) => Validation.Names.ToPascalCase(table.Name);

    /// <summary>Unique keys that get a GetBy method: each distinct column set other than the primary key's.</summary>
    public static IReadOnlyList<UniqueModel> UniqueKeys(TableModel table)
    {
        var seen = new HashSet<string> { string.Join(",", table.PrimaryKey.Columns.OrderBy(c => c, System.StringComparer.Ordinal)) };
        return table.Uniques.Where(u => seen.Add(string.Join(",", u.Columns.OrderBy(c => c, System.StringComparer.Ordinal)))).ToList();
    }

    public static string GetByName(TableModel table, UniqueModel unique) =>
        "GetBy" + string.Join("And", unique.Columns.Select(c => Column(table, c).PropertyName));

    /// <summary>How many statements (command cache slots) the accessor declares.</summary>
    public static int StatementCount(TableModel table) =>
        4 + UniqueKeys(table).Count + (table.PrimaryKey.IsIdentity ? 2 : 0) + (DataSql.Update(table) is null ? 0 : 1);

    public static string Emit(SchemaModel schema, TableModel table, int firstSlot)
    {
        var entity = $"global::{CSharpTypes.EntitiesNamespace(schema)}.{table.EntityName}";
        var w = new SourceWriter().Header(Namespace(schema));
        w.Summary($"Reads and writes table '{table.Name}' as {table.EntityName}, through commands prepared once per connection.");
        w.Open($"public sealed class {ClassName(table)}");
        var slot = firstSlot;
        var key = table.PrimaryKey.Columns.Select(c => Column(table, c)).ToList();
        var update = DataSql.Update(table);

        w.Line("/// <summary>The columns every statement of this accessor reads, in the order of the row mapper's ordinals.</summary>");
        w.Open("public static global::System.Collections.Generic.IReadOnlyList<string> Columns { get; } = new string[]");
        foreach (var column in table.Columns)
        {
            w.Line(SourceWriter.Literal(column.Name) + ",");
        }

        w.Close(";");
        w.Line();
        w.Line("internal static readonly string[] ColumnNames = (string[])Columns;");
        w.Line();
        StatementField(w, "GetStatement", slot++, d => DataSql.Select(table, table.PrimaryKey.Columns), key);
        StatementField(w, "ExistsStatement", slot++, d => DataSql.Exists(table), key);
        StatementField(w, "DeleteStatement", slot++, d => DataSql.Delete(table), key);
        var uniques = UniqueKeys(table);
        for (var i = 0; i < uniques.Count; i++)
        {
            StatementField(w, $"GetByStatement{i}", slot++, d => DataSql.Select(table, uniques[i].Columns), uniques[i].Columns.Select(c => Column(table, c)).ToList());
        }

        if (update is not null)
        {
            StatementField(w, "UpdateStatement", slot++, d => update, DataSql.UpdateColumns(table).Concat(key).ToList());
        }

        StatementField(w, "InsertStatement", slot++, d => DataSql.Insert(table, d, withId: false), DataSql.InsertColumns(table, withId: false));
        if (table.PrimaryKey.IsIdentity)
        {
            StatementField(w, "InsertWithIdStatement", slot++, d => DataSql.Insert(table, d, withId: true), DataSql.InsertColumns(table, withId: true));
            StatementField(w, "InsertNotReturningStatement", slot++, d => DataSql.InsertNotReturning(table, d)!, DataSql.InsertColumns(table, withId: false));
        }

        w.Line("private static readonly RowPlan Plan = new();");
        w.Line();
        w.Line($"private readonly {DataTypes.Runtime}.SchemaDatabase _database;");
        w.Line();
        w.Line($"internal {ClassName(table)}({DataTypes.Runtime}.SchemaDatabase database) => _database = database;");
        w.Line();

        var keyParameters = string.Join(", ", key.Select(c => $"{KeyType(schema, c)} {DataTypes.Argument(c.PropertyName)}"));
        var keyArguments = string.Join(", ", key.Select(c => DataTypes.Argument(c.PropertyName)));
        var bindKey = key.Select(c => Bind(schema, c, DataTypes.Argument(c.PropertyName))).ToList();

        Pair(w, schema, $"The row with this primary key, or null.", $"{entity}?", "Get", keyParameters, keyArguments, "GetStatement", bindKey, Exec.ReadOptional);
        for (var i = 0; i < uniques.Count; i++)
        {
            var columns = uniques[i].Columns.Select(c => Column(table, c)).ToList();
            Pair(w, schema, $"The row with this {string.Join(", ", uniques[i].Columns)} (unique), or null.", $"{entity}?", GetByName(table, uniques[i]),
                string.Join(", ", columns.Select(c => $"{KeyType(schema, c)} {DataTypes.Argument(c.PropertyName)}")),
                string.Join(", ", columns.Select(c => DataTypes.Argument(c.PropertyName))),
                $"GetByStatement{i}", columns.Select(c => Bind(schema, c, DataTypes.Argument(c.PropertyName))).ToList(), Exec.ReadOptional);
        }

        Pair(w, schema, "True when a row with this primary key exists.", "bool", "Exists", keyParameters, keyArguments, "ExistsStatement", bindKey, Exec.Exists);
        Pair(w, schema, "Deletes the row with this primary key; false when there was none.", "bool", "Delete", keyParameters, keyArguments, "DeleteStatement", bindKey, Exec.Affected);
        if (update is not null)
        {
            var autoUpdated = table.AutoUpdateColumns.Select(c => c.Name).ToList();
            var note = autoUpdated.Count == 0 ? string.Empty : $" The database sets {string.Join(", ", autoUpdated)} itself.";
            var bindRow = DataSql.UpdateColumns(table).Select(c => Bind(schema, c, CompressionHook.Write(table, c, "row." + c.PropertyName)))
                .Concat(key.Select(c => Bind(schema, c, RowKey(table, c)))).ToList();
            Pair(w, schema, $"Updates every column but the key by primary key; false when no row has that key.{note}", "bool", "Update",
                $"{entity} row", "row", "UpdateStatement", bindRow, Exec.Affected);
        }

        EmitInsert(w, schema, table, entity, key);
        EmitInsertMany(w, table, entity);
        EmitMappers(w, schema, table, entity);
        EmitPlan(w, schema, table, entity);
        w.Close();
        return w.ToString();
    }

    private enum Exec
    {
        ReadOptional,
        Exists,
        Affected,
    }

    private static void StatementField(SourceWriter w, string name, int slot, System.Func<ISqlDialect, string> sql, IReadOnlyList<ColumnModel> parameters)
    {
        w.Line($"private static readonly {DataTypes.Runtime}.Statement {name} = new({slot},");
        w.Line($"    {SourceWriter.Verbatim(sql(SqliteDialect.Instance))},");
        w.Line($"    {SourceWriter.Verbatim(sql(PostgresDialect.Instance))},");
        w.Line($"    new string[] {{ {string.Join(", ", parameters.Select(c => SourceWriter.Literal("@" + c.Name)))} }},");
        w.Line($"    new {DataTypes.Runtime}.DbValueKind[] {{ {string.Join(", ", parameters.Select(c => $"{DataTypes.Runtime}.DbValueKind.{DataTypes.ValueKind(c.Kind)}"))} }});");
        w.Line();
    }

    private static void Pair(SourceWriter w, SchemaModel schema, string summary, string returnType, string name, string parameters, string arguments,
        string statement, IReadOnlyList<string> bind, Exec exec)
    {
        w.Line($"/// <summary>{SourceWriter.Escape(summary)}</summary>");
        w.Open($"public {returnType} {name}({parameters})");
        w.Line($"var _command = _database.Prepare({statement});");
        WriteBody(w, bind, exec, async: false);
        w.Close();
        w.Line();
        var separator = parameters.Length == 0 ? string.Empty : ", ";
        w.Line($"/// <summary>{SourceWriter.Escape(summary)} Asynchronous on PostgreSQL; on SQLite it completes synchronously without allocating.</summary>");
        w.Line($"public global::System.Threading.Tasks.ValueTask<{returnType}> {name}Async({parameters}{separator}{Ct} cancellationToken = default) =>");
        w.Line($"    _database.Backend.RunsSynchronously ? new({name}({arguments})) : {name}CoreAsync({arguments}{separator}cancellationToken);");
        w.Line();
        w.Open($"private async global::System.Threading.Tasks.ValueTask<{returnType}> {name}CoreAsync({parameters}{separator}{Ct} cancellationToken)");
        w.Line($"var _command = await _database.PrepareAsync({statement}, cancellationToken).ConfigureAwait(false);");
        WriteBody(w, bind, exec, async: true);
        w.Close();
        w.Line();
    }

    private static void WriteBody(SourceWriter w, IReadOnlyList<string> bind, Exec exec, bool async)
    {
        w.Line("var _values = _command.Values;");
        foreach (var line in bind)
        {
            w.Line(line);
        }

        var wait = async ? "await " : string.Empty;
        var suffix = async ? "Async" : string.Empty;
        var ctOnly = async ? "cancellationToken" : string.Empty;
        var configure = async ? ".ConfigureAwait(false)" : string.Empty;
        switch (exec)
        {
            case Exec.ReadOptional when async:
                w.Line($"var _reader = await _command.ExecuteReaderAsync({Behavior}, cancellationToken).ConfigureAwait(false);");
                w.Open("await using (global::System.Threading.Tasks.TaskAsyncEnumerableExtensions.ConfigureAwait(_reader, false))");
                w.Line("return await _reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(_reader, _database.Backend) : null;");
                w.Close();
                break;
            case Exec.ReadOptional:
                w.Line($"using var _reader = _command.Command.ExecuteReader({Behavior});");
                w.Line("return _reader.Read() ? Read(_reader, _database.Backend) : null;");
                break;
            case Exec.Exists:
                w.Line($"return {wait}_command.Command.ExecuteScalar{suffix}({ctOnly}){configure} is not null;");
                break;
            default:
                w.Line($"return {wait}_command.Command.ExecuteNonQuery{suffix}({ctOnly}){configure} > 0;");
                break;
        }
    }

    private static void EmitInsert(SourceWriter w, SchemaModel schema, TableModel table, string entity, IReadOnlyList<ColumnModel> key)
    {
        var identity = table.PrimaryKey.IsIdentity;
        var returnType = identity ? "long"
            : key.Count == 1 ? KeyType(schema, key[0])
            : $"({string.Join(", ", key.Select(c => $"{KeyType(schema, c)} {c.PropertyName}"))})";
        var returned = key.Count == 1 ? $"row.{key[0].PropertyName}" : $"({string.Join(", ", key.Select(c => "row." + c.PropertyName))})";
        var summary = identity
            ? "Inserts the row and returns its id: the one the database assigns, or the row's own Id when set (later ids do not collide with it)."
            : "Inserts the row and returns its key.";
        foreach (var async in new[] { false, true })
        {
            w.Line($"/// <summary>{summary}{(async ? " Asynchronous on PostgreSQL." : string.Empty)}</summary>");
            if (async)
            {
                w.Line($"public global::System.Threading.Tasks.ValueTask<{returnType}> InsertAsync({entity} row, {Ct} cancellationToken = default) =>");
                w.Line("    _database.Backend.RunsSynchronously ? new(Insert(row)) : InsertCoreAsync(row, cancellationToken);");
                w.Line();
                w.Open($"private async global::System.Threading.Tasks.ValueTask<{returnType}> InsertCoreAsync({entity} row, {Ct} cancellationToken)");
            }
            else
            {
                w.Open($"public {returnType} Insert({entity} row)");
            }

            var wait = async ? "await " : string.Empty;
            var prepare = async ? "PrepareAsync" : "Prepare";
            var ctArg = async ? ", cancellationToken" : string.Empty;
            var configure = async ? ".ConfigureAwait(false)" : string.Empty;
            var suffix = async ? "Async" : string.Empty;
            w.Line($"global::System.ArgumentNullException.ThrowIfNull(row);");
            if (identity)
            {
                w.Line($"var withId = row.{key[0].PropertyName}.HasValue;");
                w.Line($"var command = {wait}_database.{prepare}(withId ? InsertWithIdStatement : InsertStatement{ctArg}){configure};");
                w.Line("Plan.Write(row, command.Values, withId);");
                w.Line($"return {wait}command.Command.ExecuteScalar{suffix}({(async ? "cancellationToken" : string.Empty)}){configure} is long id");
                w.Line($"    ? id");
                w.Line($"    : throw new global::System.InvalidOperationException(\"The insert into {table.Name} returned no id.\");");
            }
            else
            {
                w.Line($"var command = {wait}_database.{prepare}(InsertStatement{ctArg}){configure};");
                w.Line("Plan.Write(row, command.Values, false);");
                w.Line($"{wait}command.Command.ExecuteNonQuery{suffix}({(async ? "cancellationToken" : string.Empty)}){configure};");
                w.Line($"return {returned};");
            }

            w.Close();
            w.Line();
        }
    }

    private static void EmitInsertMany(SourceWriter w, TableModel table, string entity)
    {
        var rows = $"global::System.Collections.Generic.IReadOnlyList<{entity}>";
        w.Line("/// <summary>");
        w.Line("/// Inserts the rows as one batch and returns how many went in: on SQLite one prepared insert reused in one");
        w.Line("/// transaction (the current one, or its own); on PostgreSQL one binary COPY, which returns no ids");
        w.Line(table.PrimaryKey.IsIdentity
            ? "/// (see <see cref=\"InsertManyReturningIds\"/>; rows that carry their own Id go in batched inserts instead)."
            : "/// (rows go in batched inserts instead when the table has no columns to copy).");
        w.Line("/// </summary>");
        w.Line($"public int InsertMany({rows} rows) => _database.InsertMany(rows, Plan);");
        w.Line();
        w.Line("/// <summary>As <see cref=\"InsertMany\"/>, asynchronous on PostgreSQL.</summary>");
        w.Line($"public global::System.Threading.Tasks.ValueTask<int> InsertManyAsync({rows} rows, {Ct} cancellationToken = default) =>");
        w.Line("    _database.InsertManyAsync(rows, Plan, cancellationToken);");
        w.Line();
        if (!table.PrimaryKey.IsIdentity)
        {
            return;
        }

        w.Line("/// <summary>");
        w.Line("/// Inserts the rows and returns their ids in row order: on SQLite one prepared insert in one transaction,");
        w.Line("/// on PostgreSQL batches of inserts with RETURNING (one round trip per batch).");
        w.Line("/// </summary>");
        w.Line($"public long[] InsertManyReturningIds({rows} rows) => _database.InsertManyReturningIds(rows, Plan);");
        w.Line();
        w.Line("/// <summary>As <see cref=\"InsertManyReturningIds\"/>, asynchronous on PostgreSQL.</summary>");
        w.Line($"public global::System.Threading.Tasks.ValueTask<long[]> InsertManyReturningIdsAsync({rows} rows, {Ct} cancellationToken = default) =>");
        w.Line("    _database.InsertManyReturningIdsAsync(rows, Plan, cancellationToken);");
        w.Line();
    }

    private static void EmitMappers(SourceWriter w, SchemaModel schema, TableModel table, string entity)
    {
        var reader = "global::System.Data.Common.DbDataReader";
        var backend = $"{DataTypes.Runtime}.DataBackend";
        w.Line($"/// <summary>Reads the current row of a result whose columns are <see cref=\"Columns\"/>, in that order.</summary>");
        w.Line($"public static {entity} Read({reader} reader, {backend} backend) => new()");
        w.Line("{");
        for (var i = 0; i < table.Columns.Count; i++)
        {
            var column = table.Columns[i];
            w.Line($"    {column.PropertyName} = {CompressionHook.Read(table, column, DataTypes.Read(schema, column.Kind, column.EnumName, column.Nullable, column.Scale, i.ToString(System.Globalization.CultureInfo.InvariantCulture)))},");
        }

        w.Line("};");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Reads the current row of any result that has the table's columns by name, at the ordinals");
        w.Line("/// <see cref=\"Ordinals\"/> resolved once for that result's command.");
        w.Line("/// </summary>");
        w.Line($"public static {entity} Read({reader} reader, {backend} backend, int[] ordinals) => new()");
        w.Line("{");
        for (var i = 0; i < table.Columns.Count; i++)
        {
            var column = table.Columns[i];
            w.Line($"    {column.PropertyName} = {CompressionHook.Read(table, column, DataTypes.Read(schema, column.Kind, column.EnumName, column.Nullable, column.Scale, $"ordinals[{i}]"))},");
        }

        w.Line("};");
        w.Line();
        w.Line("/// <summary>The ordinals of <see cref=\"Columns\"/> in a command's result, resolved by name once per prepared command.</summary>");
        w.Line($"public static int[] Ordinals({DataTypes.Runtime}.PreparedCommand command, {reader} reader) => command.Ordinals(reader, ColumnNames);");
        w.Line();
    }

    private static void EmitPlan(SourceWriter w, SchemaModel schema, TableModel table, string entity)
    {
        var copy = DataSql.BulkInsert(table, PostgresDialect.Instance);
        var identity = table.PrimaryKey.IsIdentity;
        w.Open($"private sealed class RowPlan : {DataTypes.Runtime}.InsertPlan<{entity}>");
        w.Line("public RowPlan()");
        w.Open($"    : base(InsertStatement, {(identity ? "InsertWithIdStatement" : "null")}, {(identity ? "InsertNotReturningStatement" : "null")}, {(copy is null ? "null" : SourceWriter.Verbatim(copy))})");
        w.Close();
        w.Line();
        w.Line($"public override bool HasId({entity} row) => {(identity ? $"row.{Column(table, table.PrimaryKey.Columns[0]).PropertyName}.HasValue" : "false")};");
        w.Line();
        w.Open($"public override void Write({entity} row, {DataTypes.Runtime}.RowWriter writer, bool withId)");
        foreach (var column in table.Columns)
        {
            var line = DataTypes.Write(schema, "writer", column.Kind, column.EnumName, column.Nullable || column.Kind == ColumnKind.Id, column.Scale, CompressionHook.Write(table, column, "row." + column.PropertyName));
            if (column.Kind == ColumnKind.Id && identity)
            {
                w.Open("if (withId)");
                w.Line(line);
                w.Close();
            }
            else
            {
                w.Line(line);
            }
        }

        w.Close();
        w.Close();
    }

    private static string Bind(SchemaModel schema, ColumnModel column, string value) =>
        DataTypes.Write(schema, "_values", column.Kind, column.EnumName, column.Nullable && value.StartsWith("row."), column.Scale, value);

    // An entity's id is null until the database assigns it; updating by a missing key is a caller's mistake.
    private static string RowKey(TableModel table, ColumnModel column) =>
        column.Kind == ColumnKind.Id
            ? $"row.{column.PropertyName} ?? throw new global::System.ArgumentException(\"The {table.EntityName} has no {column.PropertyName}: insert it first.\", nameof(row))"
            : "row." + column.PropertyName;

    private static string KeyType(SchemaModel schema, ColumnModel column) => DataTypes.Type(schema, column.Kind, column.EnumName, nullable: false);

    private static ColumnModel Column(TableModel table, string name) => table.Columns.First(c => c.Name == name);
}
