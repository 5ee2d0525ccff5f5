using System.Globalization;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>
/// A memory's compressed column (<c>memory: compress:</c>) as generated data access reads and writes it:
/// compressed above its size on the way in, decompressed on the way out, so callers see plain text.
/// </summary>
internal static class CompressionHook
{
    private const string Compression = "global::" + WorkloadEmitter.RuntimeNamespace + ".ContentCompression";

    private static bool Applies(TableModel table, ColumnModel column) => table.Memory?.CompressedColumn == column.Name;

    /// <summary>The read expression, decompressing when the column is compressed.</summary>
    public static string Read(TableModel table, ColumnModel column, string read) =>
        !Applies(table, column) ? read
        : column.Nullable ? $"{Compression}.DecompressNullable({read})"
        : $"{Compression}.Decompress({read})";

    /// <summary>The value written, compressing when the column is compressed.</summary>
    public static string Write(TableModel table, ColumnModel column, string value) =>
        !Applies(table, column) ? value
        : $"{Compression}.{(column.Nullable ? "CompressNullable" : "Compress")}({value}, {table.Memory!.CompressAbove.ToString(CultureInfo.InvariantCulture)})";
}
