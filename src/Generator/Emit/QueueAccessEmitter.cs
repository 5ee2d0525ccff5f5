using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>
/// One typed accessor per queue table, on the generated database class: claim, ack, retry and extend
/// through commands prepared once per connection, returning entities through the table's row mapper.
/// </summary>
internal static class QueueAccessEmitter
{
    private const string Workload = "global::" + WorkloadEmitter.RuntimeNamespace;
    private const string Ct = "global::System.Threading.CancellationToken";

    public static string ClassName(TableModel table) => table.EntityName + "Queue";

    public static string PropertyName(TableModel table) => table.EntityName + "Queue";

    /// <summary>Command cache slots of every queue accessor of the schema.</summary>
    public static int StatementCount(SchemaModel schema) => schema.Tables.Where(t => t.Queue is not null).Sum(t => StatementCount(t.Queue!));

    private static int StatementCount(QueueModel queue) => queue.PartitionColumn is null ? 4 : 5;

    public static IEnumerable<(TableModel Table, int FirstSlot)> Queues(SchemaModel schema, int firstSlot)
    {
        var slot = firstSlot;
        foreach (var table in schema.Tables.Where(t => t.Queue is not null))
        {
            yield return (table, slot);
            slot += StatementCount(table.Queue!);
        }
    }

    public static string Emit(SchemaModel schema, TableModel table, int firstSlot)
    {
        var queue = table.Queue!;
        var entity = $"global::{CSharpTypes.EntitiesNamespace(schema)}.{table.EntityName}";
        var mapper = $"global::{TableAccessEmitter.Namespace(schema)}.{TableAccessEmitter.ClassName(table)}";
        var key = table.Columns.First(c => c.Name == table.PrimaryKey.Columns[0]);
        var keyType = DataTypes.Type(schema, key.Kind, key.EnumName, false);
        var w = new SourceWriter().Header(TableAccessEmitter.Namespace(schema));
        w.Summary($"Table '{table.Name}' as a queue: at-least-once delivery under leases, with retries, backoff and dead letters (declared in schema.yaml).");
        w.Open($"public sealed class {ClassName(table)}");
        var slot = firstSlot;
        var claimParameters = new[] { ("@owner", "Text"), ("@limit", "Int32"), ("@lease_ms", "Int64") };
        WriteStatement(w, "ClaimStatement", slot++, d => WorkloadSql.Claim(table, queue, d, inPartition: false), claimParameters);
        ColumnModel? partition = null;
        if (queue.PartitionColumn is { } partitionName)
        {
            partition = table.Columns.First(c => c.Name == partitionName);
            WriteStatement(w, "ClaimInPartitionStatement", slot++, d => WorkloadSql.Claim(table, queue, d, inPartition: true),
                claimParameters.Append(("@partition", DataTypes.ValueKind(partition.Kind))).ToArray());
        }

        var keyKind = DataTypes.ValueKind(key.Kind);
        WriteStatement(w, "AckStatement", slot++, _ => WorkloadSql.Ack(table, queue), new[] { ("@id", keyKind), ("@owner", "Text") });
        WriteStatement(w, "RetryStatement", slot++, d => WorkloadSql.Retry(table, queue, d),
            new[] { ("@id", keyKind), ("@owner", "Text"), ("@max_attempts", "Int32"), ("@backoff_base_ms", "Int64"), ("@backoff_max_ms", "Int64") });
        WriteStatement(w, "ExtendStatement", slot++, d => WorkloadSql.Extend(table, queue, d), new[] { ("@id", keyKind), ("@owner", "Text"), ("@lease_ms", "Int64") });

        w.Line($"private readonly {DataTypes.Runtime}.SchemaDatabase _database;");
        w.Line();
        w.Line($"internal {ClassName(table)}({DataTypes.Runtime}.SchemaDatabase database) => _database = database;");
        w.Line();
        w.Line("/// <summary>The queue as declared: states, lease, attempts, backoff and the statements of both backends.</summary>");
        w.Line($"public static {Workload}.QueueDefinition Definition {{ get; }} = global::{schema.Namespace}.{schema.TypeName}.Workload.Queue({SourceWriter.Literal(table.Name)});");
        w.Line();
        w.Line("/// <summary>Lease, attempts and backoff that replace the declared ones for this accessor.</summary>");
        w.Line($"public {Workload}.QueueOptions Options {{ get; }} = new();");
        w.Line();
        var list = $"global::System.Collections.Generic.IReadOnlyList<{entity}>";
        ClaimPair(w, list, "Claim", "Claims up to <paramref name=\"max\"/> claimable rows for <paramref name=\"consumer\"/> under a lease, in claim order.",
            string.Empty, string.Empty, "ClaimStatement", null);
        if (partition is not null)
        {
            var argument = DataTypes.Argument(partition.PropertyName);
            ClaimPair(w, list, "Claim",
                $"Claims up to <paramref name=\"max\"/> claimable rows whose {partition.Name} is <paramref name=\"{argument.TrimStart('@')}\"/>, for <paramref name=\"consumer\"/> under a lease, in claim order.",
                $"{DataTypes.Type(schema, partition.Kind, partition.EnumName, false)} {argument}, ", argument + ", ", "ClaimInPartitionStatement",
                DataTypes.Write(schema, "values", partition.Kind, partition.EnumName, false, partition.Scale, argument));
        }

        var writeId = DataTypes.Write(schema, "values", key.Kind, key.EnumName, false, key.Scale, "id");
        Pair(w, "bool", "Ack", "Acknowledges a row: done. False when <paramref name=\"consumer\"/> no longer held its lease (it ran out and the row went back).",
            $"{keyType} id, string consumer", "id, consumer", "AckStatement", new[] { writeId, "values.Text(consumer);" }, "ExecuteNonQuery", "{0} == 1");
        Pair(w, $"{Workload}.RetryOutcome", "Retry", "Gives a row back after a failure: claimable again after the backoff, or dead after the last attempt.",
            $"{keyType} id, string consumer", "id, consumer", "RetryStatement",
            new[]
            {
                writeId,
                "values.Text(consumer);",
                "values.Int32(Options.MaxAttempts ?? Definition.MaxAttempts);",
                $"values.Int64({Workload}.DatabaseQueue.Milliseconds(Options.BackoffBase ?? Definition.BackoffBase));",
                $"values.Int64({Workload}.DatabaseQueue.Milliseconds(Options.BackoffMax ?? Definition.BackoffMax));",
            },
            "ExecuteScalar", $"{Workload}.DatabaseQueue.Outcome({{0}}, Definition.DeadState)");
        Pair(w, "bool", "Extend", "Extends the lease <paramref name=\"consumer\"/> holds on a row, from now; false when it already ran out or is not theirs.",
            $"{keyType} id, string consumer, global::System.TimeSpan? lease = null", "id, consumer, lease", "ExtendStatement",
            new[] { writeId, "values.Text(consumer);", $"values.Int64({Workload}.DatabaseQueue.Milliseconds(lease ?? Options.Lease ?? Definition.Lease));" },
            "ExecuteNonQuery", "{0} == 1");

        const string releaseSummary = "Gives back rows whose lease ran out (a consumer died), claimable at once; what maintenance runs on a schedule.";
        w.Line($"/// <summary>{releaseSummary}</summary>");
        w.Line($"public long ReleaseExpired(int batchSize = {Workload}.WorkloadMaintenance.DefaultBatchSize) =>");
        w.Line($"    {Workload}.WorkloadMaintenance.ReleaseExpired(_database.Connection, Definition, batchSize, Options).Rows;");
        w.Line();
        w.Line($"/// <summary>{releaseSummary} Asynchronous on PostgreSQL; on SQLite it completes synchronously without allocating.</summary>");
        w.Line($"public global::System.Threading.Tasks.ValueTask<long> ReleaseExpiredAsync(int batchSize = {Workload}.WorkloadMaintenance.DefaultBatchSize, {Ct} cancellationToken = default) =>");
        w.Line("    _database.Backend.RunsSynchronously");
        w.Line($"        ? new({Workload}.WorkloadMaintenance.ReleaseExpired(_database.Connection, Definition, batchSize, Options, cancellationToken).Rows)");
        w.Line("        : ReleaseExpiredCoreAsync(batchSize, cancellationToken);");
        w.Line();
        w.Line($"private async global::System.Threading.Tasks.ValueTask<long> ReleaseExpiredCoreAsync(int batchSize, {Ct} cancellationToken) =>");
        w.Line($"    (await {Workload}.WorkloadMaintenance.ReleaseExpiredAsync(_database.Connection, Definition, batchSize, Options, cancellationToken).ConfigureAwait(false)).Rows;");
        w.Line();
        w.Open($"private {DataTypes.Runtime}.RowWriter Bind({DataTypes.Runtime}.PreparedCommand command, string consumer, int max, global::System.TimeSpan? lease)");
        w.Line("var values = command.Values;");
        w.Line("values.Text(consumer);");
        w.Line("values.Int32(max);");
        w.Line($"values.Int64({Workload}.DatabaseQueue.Milliseconds(lease ?? Options.Lease ?? Definition.Lease));");
        w.Line("return values;");
        w.Close();
        w.Line();
        w.Open($"private global::System.Collections.Generic.List<{entity}> Read({DataTypes.Runtime}.PreparedCommand command)");
        w.Line($"var rows = new global::System.Collections.Generic.List<{entity}>();");
        w.Line("using var reader = command.Command.ExecuteReader();");
        w.Line($"var ordinals = {mapper}.Ordinals(command, reader);");
        w.Open("while (reader.Read())");
        w.Line($"rows.Add({mapper}.Read(reader, _database.Backend, ordinals));");
        w.Close();
        w.Line();
        w.Line("return rows;");
        w.Close();
        w.Line();
        w.Open($"private async global::System.Threading.Tasks.ValueTask<global::System.Collections.Generic.List<{entity}>> ReadAsync({DataTypes.Runtime}.PreparedCommand command, {Ct} cancellationToken)");
        w.Line($"var rows = new global::System.Collections.Generic.List<{entity}>();");
        w.Line("var reader = await command.Command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);");
        w.Open("await using (global::System.Threading.Tasks.TaskAsyncEnumerableExtensions.ConfigureAwait(reader, false))");
        w.Line($"var ordinals = {mapper}.Ordinals(command, reader);");
        w.Open("while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))");
        w.Line($"rows.Add({mapper}.Read(reader, _database.Backend, ordinals));");
        w.Close();
        w.Close();
        w.Line();
        w.Line("return rows;");
        w.Close();
        w.Line();
        w.Open($"private static int ClaimOrder({entity} left, {entity} right)");
        w.Line("int order;");
        foreach (var o in queue.Order)
        {
            var column = table.Columns.First(c => c.Name == o.Column);
            var type = CSharpTypes.PropertyType(schema, column);
            var (first, second) = o.Descending ? ("right", "left") : ("left", "right");
            w.Open($"if ((order = global::System.Collections.Generic.Comparer<{type}>.Default.Compare({first}.{column.PropertyName}, {second}.{column.PropertyName})) != 0)");
            w.Line("return order;");
            w.Close();
            w.Line();
        }

        w.Line("return 0;");
        w.Close();
        w.Close();
        return w.ToString();
    }

    // A claim and its async twin: both prepare inside the claim's transaction (SQLite takes its own when none is set).
    private static void ClaimPair(SourceWriter w, string list, string name, string summary, string leadParameters, string leadArguments, string statement, string? writeLead)
    {
        var parameters = $"{leadParameters}string consumer, int max, global::System.TimeSpan? lease = null";
        var arguments = $"{leadArguments}consumer, max, lease";
        w.Line($"/// <summary>{summary}</summary>");
        w.Open($"public {list} {name}({parameters})");
        w.Line($"{Workload}.DatabaseQueue.CheckMax(max);");
        w.Open($"return {Workload}.DatabaseQueue.Claim(_database, () =>");
        w.Line($"var command = _database.Prepare({statement});");
        w.Line(writeLead is null ? $"Bind(command, consumer, max, lease);" : "var values = Bind(command, consumer, max, lease);");
        WriteIf(w, writeLead);
        w.Line("return Read(command);");
        w.Close(", ClaimOrder);");
        w.Close();
        w.Line();
        w.Line($"/// <summary>{summary} Asynchronous on PostgreSQL; on SQLite it completes synchronously without allocating.</summary>");
        w.Open($"public global::System.Threading.Tasks.ValueTask<{list}> {name}Async({parameters}, {Ct} cancellationToken = default)");
        w.Line($"{Workload}.DatabaseQueue.CheckMax(max);");
        w.Line($"return _database.Backend.RunsSynchronously ? new({name}({arguments})) : {name}CoreAsync({arguments}, cancellationToken);");
        w.Close();
        w.Line();
        w.Open($"private async global::System.Threading.Tasks.ValueTask<{list}> {name}CoreAsync({parameters.Replace(" = null", string.Empty)}, {Ct} cancellationToken)");
        w.Open($"return await {Workload}.DatabaseQueue.ClaimAsync(_database, async cancellation =>");
        w.Line($"var command = await _database.PrepareAsync({statement}, cancellation).ConfigureAwait(false);");
        w.Line(writeLead is null ? $"Bind(command, consumer, max, lease);" : "var values = Bind(command, consumer, max, lease);");
        WriteIf(w, writeLead);
        w.Line("return await ReadAsync(command, cancellation).ConfigureAwait(false);");
        w.Close(", ClaimOrder, cancellationToken).ConfigureAwait(false);");
        w.Close();
        w.Line();
    }

    // A one-row statement and its async twin; result formats the execution's value into the return value.
    private static void Pair(SourceWriter w, string returnType, string name, string summary, string parameters, string arguments, string statement,
        string[] bind, string execute, string result)
    {
        w.Line($"/// <summary>{summary}</summary>");
        w.Open($"public {returnType} {name}({parameters})");
        w.Line($"var command = _database.Prepare({statement});");
        Bind(w, bind);
        w.Line("return " + string.Format(System.Globalization.CultureInfo.InvariantCulture, result, $"command.Command.{execute}()") + ";");
        w.Close();
        w.Line();
        w.Line($"/// <summary>{summary} Asynchronous on PostgreSQL; on SQLite it completes synchronously without allocating.</summary>");
        w.Line($"public global::System.Threading.Tasks.ValueTask<{returnType}> {name}Async({parameters}, {Ct} cancellationToken = default) =>");
        w.Line($"    _database.Backend.RunsSynchronously ? new({name}({arguments})) : {name}CoreAsync({arguments}, cancellationToken);");
        w.Line();
        w.Open($"private async global::System.Threading.Tasks.ValueTask<{returnType}> {name}CoreAsync({parameters.Replace(" = null", string.Empty)}, {Ct} cancellationToken)");
        w.Line($"var command = await _database.PrepareAsync({statement}, cancellationToken).ConfigureAwait(false);");
        Bind(w, bind);
        w.Line("return " + string.Format(System.Globalization.CultureInfo.InvariantCulture, result,
            $"await command.Command.{execute}Async(cancellationToken).ConfigureAwait(false)") + ";");
        w.Close();
        w.Line();
    }

    private static void Bind(SourceWriter w, string[] bind)
    {
        w.Line("var values = command.Values;");
        foreach (var line in bind)
        {
            w.Line(line);
        }
    }

    private static void WriteIf(SourceWriter w, string? line)
    {
        if (line is not null)
        {
            w.Line(line);
        }
    }

    private static void WriteStatement(SourceWriter w, string name, int slot, System.Func<ISqlDialect, string> sql, (string Name, string Kind)[] parameters)
    {
        w.Line($"private static readonly {DataTypes.Runtime}.Statement {name} = new({slot},");
        w.Line($"    {SourceWriter.Verbatim(sql(SqliteDialect.Instance))},");
        w.Line($"    {SourceWriter.Verbatim(sql(PostgresDialect.Instance))},");
        w.Line($"    new string[] {{ {string.Join(", ", parameters.Select(p => SourceWriter.Literal(p.Name)))} }},");
        w.Line($"    new {DataTypes.Runtime}.DbValueKind[] {{ {string.Join(", ", parameters.Select(p => $"{DataTypes.Runtime}.DbValueKind.{p.Kind}"))} }});");
        w.Line();
    }

    /// <summary>The database class's property per queue and memory accessor (a part of that partial class).</summary>
    public static string EmitDatabasePart(SchemaModel schema)
    {
        var w = new SourceWriter().Header(schema.Namespace);
        w.Open($"public sealed partial class {DatabaseEmitter.ClassName(schema)}");
        foreach (var table in schema.Tables.Where(t => t.Queue is not null))
        {
            var type = $"global::{TableAccessEmitter.Namespace(schema)}.{ClassName(table)}";
            var field = "_" + char.ToLowerInvariant(PropertyName(table)[0]) + PropertyName(table).Substring(1);
            w.Line($"private {type}? {field};");
            w.Line();
            w.Line($"/// <summary>Table '{table.Name}' as a queue: claim, ack, retry, extend.</summary>");
            w.Line($"public {type} {PropertyName(table)} => {field} ??= new {type}(this);");
            w.Line();
        }

        foreach (var table in schema.Tables.Where(t => t.Memory is not null))
        {
            var type = $"global::{TableAccessEmitter.Namespace(schema)}.{MemoryAccessEmitter.ClassName(table)}";
            var name = MemoryAccessEmitter.ClassName(table);
            var field = "_" + char.ToLowerInvariant(name[0]) + name.Substring(1);
            w.Line($"private {type}? {field};");
            w.Line();
            w.Line($"/// <summary>Table '{table.Name}' as memory: de-duplicated store and pruning.</summary>");
            w.Line($"public {type} {name} => {field} ??= new {type}(this);");
            w.Line();
        }

        w.Close();
        return w.ToString();
    }
}
