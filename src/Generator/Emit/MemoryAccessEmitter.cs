using System.Linq;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>One accessor per memory table on the generated database class: de-duplicated store and pruning.</summary>
internal static class MemoryAccessEmitter
{
    private const string Workload = "global::" + WorkloadEmitter.RuntimeNamespace;
    private const string Ct = "global::System.Threading.CancellationToken";
    private const string AsyncNote = "Asynchronous on PostgreSQL; on SQLite it completes synchronously without allocating.";

    public static string ClassName(TableModel table) => table.EntityName + "Memory";

    public static string Emit(SchemaModel schema, TableModel table)
    {
        var entity = $"global::{CSharpTypes.EntitiesNamespace(schema)}.{table.EntityName}";
        var w = new SourceWriter().Header(TableAccessEmitter.Namespace(schema));
        w.Summary($"Table '{table.Name}' as memory: stored once per owner and content, pruned by importance and use (declared in schema.yaml).");
        w.Open($"public sealed class {ClassName(table)}");
        w.Line($"private readonly {DataTypes.Runtime}.SchemaDatabase _database;");
        w.Line();
        w.Line($"internal {ClassName(table)}({DataTypes.Runtime}.SchemaDatabase database) => _database = database;");
        w.Line();
        w.Line("/// <summary>The memory declaration: limits and the statements of both backends.</summary>");
        w.Line($"public static {Workload}.MemoryDefinition Definition {{ get; }} = global::{schema.Namespace}.{schema.TypeName}.Workload.MemoryOf({SourceWriter.Literal(table.Name)});");
        if (table.Memory!.HashColumn is not null)
        {
            w.Line();
            w.Line("/// <summary>Stores <paramref name=\"row\"/>, or touches the row its owner stored with the same content hash (last use now, the higher importance); returns that row's id.</summary>");
            w.Line($"public long StoreOrTouch({entity} row) =>");
            w.Line($"    {Workload}.MemoryStore.StoreOrTouch(_database.Connection, Definition, row.AddInsertParameters, _database.Transaction);");
            w.Line();
            w.Line($"/// <summary>As <see cref=\"StoreOrTouch\"/>. {AsyncNote}</summary>");
            w.Line($"public global::System.Threading.Tasks.ValueTask<long> StoreOrTouchAsync({entity} row, {Ct} cancellationToken = default) =>");
            w.Line($"    {Workload}.MemoryStore.StoreOrTouchAsync(_database.Connection, Definition, row.AddInsertParameters, _database.Transaction, cancellationToken);");
        }

        w.Line();
        w.Line("/// <summary>Prunes memories beyond each owner's most important and unimportant ones no longer used; what maintenance runs on a schedule.</summary>");
        w.Line($"public long Prune(int batchSize = {Workload}.WorkloadMaintenance.DefaultBatchSize) =>");
        w.Line($"    {Workload}.WorkloadMaintenance.PruneMemory(_database.Connection, Definition, batchSize).Rows;");
        w.Line();
        w.Line($"/// <summary>As <see cref=\"Prune\"/>. {AsyncNote}</summary>");
        w.Line($"public global::System.Threading.Tasks.ValueTask<long> PruneAsync(int batchSize = {Workload}.WorkloadMaintenance.DefaultBatchSize, {Ct} cancellationToken = default) =>");
        w.Line("    _database.Backend.RunsSynchronously");
        w.Line($"        ? new({Workload}.WorkloadMaintenance.PruneMemory(_database.Connection, Definition, batchSize, cancellationToken).Rows)");
        w.Line("        : PruneCoreAsync(batchSize, cancellationToken);");
        w.Line();
        w.Line($"private async global::System.Threading.Tasks.ValueTask<long> PruneCoreAsync(int batchSize, {Ct} cancellationToken) =>");
        w.Line($"    (await {Workload}.WorkloadMaintenance.PruneMemoryAsync(_database.Connection, Definition, batchSize, cancellationToken).ConfigureAwait(false)).Rows;");
        w.Close();
        return w.ToString();
    }
}
