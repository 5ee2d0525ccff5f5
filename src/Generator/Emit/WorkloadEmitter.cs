using System.Globalization;
using System.Linq;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>
/// The schema class's <c>Workload</c>: every queue, retention and memory declaration with its statements
/// per backend, as the runtime's workload types (emitted only when the runtime is referenced).
/// </summary>
internal static class WorkloadEmitter
{
    public const string RuntimeNamespace = "AgentHive.Runtime.Workload";

    private const string Runtime = "global::" + RuntimeNamespace;

    public static bool HasWork(SchemaModel schema) => schema.Tables.Any(t => t.Queue is not null || t.Retention is not null || t.Memory is not null);

    public static string Emit(SchemaModel schema)
    {
        var w = new SourceWriter().Header(schema.Namespace);
        w.Open($"public static partial class {schema.TypeName}");
        // The lists come first: static fields initialize in the order they are written.
        w.Open($"private static readonly {Runtime}.QueueDefinition[] WorkloadQueues = new {Runtime}.QueueDefinition[]");
        foreach (var table in schema.Tables.Where(t => t.Queue is not null))
        {
            WriteQueue(w, table, table.Queue!);
        }

        w.Close(";");
        w.Line();
        w.Open($"private static readonly {Runtime}.RetentionDefinition[] WorkloadRetention = new {Runtime}.RetentionDefinition[]");
        foreach (var table in schema.Tables.Where(t => t.Retention is not null))
        {
            var retention = table.Retention!;
            w.Line($"new({SourceWriter.Literal(table.Name)}, {Span(retention.KeepMilliseconds)}, {PerBackend(d => WorkloadSql.Prune(table, retention, d))}{Partitioning(retention)}),");
        }

        w.Close(";");
        w.Line();
        w.Open($"private static readonly {Runtime}.MemoryDefinition[] WorkloadMemory = new {Runtime}.MemoryDefinition[]");
        foreach (var table in schema.Tables.Where(t => t.Memory is not null))
        {
            WriteMemory(w, table, table.Memory!);
        }

        w.Close(";");
        w.Line();
        w.Line("/// <summary>The queues, retention and memory management schema.yaml declares, with their statements for each backend.</summary>");
        w.Line($"public static {Runtime}.WorkloadCatalog Workload {{ get; }} = new(WorkloadQueues, WorkloadRetention, WorkloadMemory);");
        w.Close();
        return w.ToString();
    }

    private static void WriteQueue(SourceWriter w, TableModel table, QueueModel queue)
    {
        w.Line("new(");
        w.Line($"    {SourceWriter.Literal(table.Name)},");
        w.Line($"    new {Runtime}.PerBackend<{Runtime}.QueueStatements>(");
        w.Line($"        {Statements(table, queue, SqliteDialect.Instance)},");
        w.Line($"        {Statements(table, queue, PostgresDialect.Instance)}),");
        w.Line($"    {Span(queue.LeaseMilliseconds)}, {queue.MaxAttempts.ToString(CultureInfo.InvariantCulture)}, " +
               $"{Span(queue.BackoffBaseMilliseconds)}, {Span(queue.BackoffMaxMilliseconds)}, {SourceWriter.Literal(queue.Dead)},");
        w.Line($"    new (string, bool)[] {{ {string.Join(", ", queue.Order.Select(o => $"({SourceWriter.Literal(o.Column)}, {(o.Descending ? "true" : "false")})"))} }},");
        w.Line($"    {(queue.IdempotencyKeyColumn is null ? "null" : SourceWriter.Literal(queue.IdempotencyKeyColumn))}),");
    }

    private static string Statements(TableModel table, QueueModel queue, ISqlDialect dialect) =>
        $"new {Runtime}.QueueStatements(" +
        $"{SourceWriter.Verbatim(WorkloadSql.Claim(table, queue, dialect, inPartition: false))}, " +
        $"{(queue.PartitionColumn is null ? "null" : SourceWriter.Verbatim(WorkloadSql.Claim(table, queue, dialect, inPartition: true)))}, " +
        $"{SourceWriter.Verbatim(WorkloadSql.Ack(table, queue))}, " +
        $"{SourceWriter.Verbatim(WorkloadSql.Retry(table, queue, dialect))}, " +
        $"{SourceWriter.Verbatim(WorkloadSql.Extend(table, queue, dialect))}, " +
        $"{SourceWriter.Verbatim(WorkloadSql.ReleaseExpired(table, queue, dialect))})";

    private static void WriteMemory(SourceWriter w, TableModel table, MemoryModel memory)
    {
        var keepTop = memory.KeepTop?.ToString(CultureInfo.InvariantCulture) ?? "null";
        var dropBelow = memory.DropBelow is null ? "null" : memory.DropBelow + "d";
        w.Line("new(");
        w.Line($"    {SourceWriter.Literal(table.Name)}, {keepTop}, {dropBelow}, {Span(memory.UnusedMilliseconds ?? 0)},");
        w.Line($"    {(memory.KeepTop is null ? "null" : PerBackend(d => WorkloadSql.PruneBeyondTop(table, memory)))},");
        w.Line($"    {(memory.DropBelow is null ? "null" : PerBackend(d => WorkloadSql.PruneUnimportant(table, memory, d)))},");
        w.Line($"    {(memory.HashColumn is null ? "null" : PerBackend(d => WorkloadSql.StoreOrTouch(table, memory, d)))},");
        w.Line($"    {(memory.CompressedColumn is null ? "null" : SourceWriter.Literal(memory.CompressedColumn))}, {memory.CompressAbove.ToString(CultureInfo.InvariantCulture)}),");
    }

    private static string Partitioning(RetentionModel retention) =>
        retention.Partition is not { } partition
            ? string.Empty
            : $", new {Runtime}.RetentionPartitioning({Runtime}.PartitionInterval.{partition.Interval}, {partition.Ahead.ToString(CultureInfo.InvariantCulture)}, " +
              $"{SourceWriter.Literal(partition.DefaultPartition)}, {SourceWriter.Literal(partition.Prefix)}, {SourceWriter.Literal(retention.TimeColumn)})";

    private static string PerBackend(System.Func<ISqlDialect, string> sql) =>
        $"new {Runtime}.PerBackend<string>({SourceWriter.Verbatim(sql(SqliteDialect.Instance))}, {SourceWriter.Verbatim(sql(PostgresDialect.Instance))})";

    private static string Span(long milliseconds) => $"global::System.TimeSpan.FromMilliseconds({milliseconds.ToString(CultureInfo.InvariantCulture)})";
}
