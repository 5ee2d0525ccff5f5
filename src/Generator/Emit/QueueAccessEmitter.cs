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
        w.Line("/// <summary>Claims up to <paramref name=\"max\"/> claimable rows for <paramref name=\"consumer\"/> under a lease, in claim order.</summary>");
        w.Open($"public global::System.Collections.Generic.IReadOnlyList<{entity}> Claim(string consumer, int max, global::System.TimeSpan? lease = null)");
        w.Line($"return {Workload}.DatabaseQueue.Claim(_database, () => Read(Prepare(ClaimStatement, consumer, max, lease, out _)), ClaimOrder);");
        w.Close();
        if (partition is not null)
        {
            var argument = DataTypes.Argument(partition.PropertyName);
            w.Line();
            w.Line($"/// <summary>Claims up to <paramref name=\"max\"/> claimable rows whose {partition.Name} is <paramref name=\"{argument.TrimStart('@')}\"/>, for <paramref name=\"consumer\"/> under a lease, in claim order.</summary>");
            w.Open($"public global::System.Collections.Generic.IReadOnlyList<{entity}> Claim({DataTypes.Type(schema, partition.Kind, partition.EnumName, false)} {argument}, string consumer, int max, global::System.TimeSpan? lease = null)");
            w.Open($"return {Workload}.DatabaseQueue.Claim(_database, () =>");
            w.Line("var command = Prepare(ClaimInPartitionStatement, consumer, max, lease, out var values);");
            w.Line(DataTypes.Write(schema, "values", partition.Kind, partition.EnumName, false, partition.Scale, argument));
            w.Line("return Read(command);");
            w.Close(", ClaimOrder);");
            w.Close();
        }

        w.Line();
        w.Line("/// <summary>Acknowledges a row: done. False when <paramref name=\"consumer\"/> no longer held its lease (it ran out and the row went back).</summary>");
        w.Open($"public bool Ack({keyType} id, string consumer)");
        w.Line("var command = _database.Prepare(AckStatement);");
        w.Line("var values = command.Values;");
        w.Line(DataTypes.Write(schema, "values", key.Kind, key.EnumName, false, key.Scale, "id"));
        w.Line("values.Text(consumer);");
        w.Line("return command.Command.ExecuteNonQuery() == 1;");
        w.Close();
        w.Line();
        w.Line("/// <summary>Gives a row back after a failure: claimable again after the backoff, or dead after the last attempt.</summary>");
        w.Open($"public {Workload}.RetryOutcome Retry({keyType} id, string consumer)");
        w.Line("var command = _database.Prepare(RetryStatement);");
        w.Line("var values = command.Values;");
        w.Line(DataTypes.Write(schema, "values", key.Kind, key.EnumName, false, key.Scale, "id"));
        w.Line("values.Text(consumer);");
        w.Line("values.Int32(Options.MaxAttempts ?? Definition.MaxAttempts);");
        w.Line($"values.Int64({Workload}.DatabaseQueue.Milliseconds(Options.BackoffBase ?? Definition.BackoffBase));");
        w.Line($"values.Int64({Workload}.DatabaseQueue.Milliseconds(Options.BackoffMax ?? Definition.BackoffMax));");
        w.Line($"return {Workload}.DatabaseQueue.Outcome(command.Command.ExecuteScalar(), Definition.DeadState);");
        w.Close();
        w.Line();
        w.Line("/// <summary>Extends the lease <paramref name=\"consumer\"/> holds on a row, from now; false when it already ran out or is not theirs.</summary>");
        w.Open($"public bool Extend({keyType} id, string consumer, global::System.TimeSpan? lease = null)");
        w.Line("var command = _database.Prepare(ExtendStatement);");
        w.Line("var values = command.Values;");
        w.Line(DataTypes.Write(schema, "values", key.Kind, key.EnumName, false, key.Scale, "id"));
        w.Line("values.Text(consumer);");
        w.Line($"values.Int64({Workload}.DatabaseQueue.Milliseconds(lease ?? Options.Lease ?? Definition.Lease));");
        w.Line("return command.Command.ExecuteNonQuery() == 1;");
        w.Close();
        w.Line();
        w.Line("/// <summary>Gives back rows whose lease ran out (a consumer died), claimable at once; what maintenance runs on a schedule.</summary>");
        w.Line($"public long ReleaseExpired(int batchSize = {Workload}.WorkloadMaintenance.DefaultBatchSize) =>");
        w.Line($"    {Workload}.WorkloadMaintenance.ReleaseExpired(_database.Connection, Definition, batchSize, Options).Rows;");
        w.Line();
        w.Open($"private {DataTypes.Runtime}.PreparedCommand Prepare({DataTypes.Runtime}.Statement statement, string consumer, int max, global::System.TimeSpan? lease, out {DataTypes.Runtime}.RowWriter values)");
        w.Open("if (max < 1)");
        w.Line("throw new global::System.ArgumentOutOfRangeException(nameof(max), max, \"Claim at least one row.\");");
        w.Close();
        w.Line();
        w.Line("var command = _database.Prepare(statement);");
        w.Line("values = command.Values;");
        w.Line("values.Text(consumer);");
        w.Line("values.Int32(max);");
        w.Line($"values.Int64({Workload}.DatabaseQueue.Milliseconds(lease ?? Options.Lease ?? Definition.Lease));");
        w.Line("return command;");
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
