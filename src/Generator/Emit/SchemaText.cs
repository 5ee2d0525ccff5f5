using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>Columns and defaults as schema.yaml spells them, for diagrams and documents.</summary>
internal static class SchemaText
{
    /// <summary>The column's schema type: <c>bigint</c>, <c>decimal(10,2)</c>, <c>text(200)</c> (maxLength), or the enum's name.</summary>
    public static string Type(ColumnModel column) => column.Kind switch
    {
        ColumnKind.Enum => column.EnumName!,
        ColumnKind.Decimal => $"decimal({column.Precision},{column.Scale})",
        ColumnKind.Text when column.MaxLength is { } length => $"text({length})",
        _ => column.Kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The default as written in schema.yaml: <c>now</c>, <c>random</c>, a number, or text in quotes.</summary>
    public static string Default(DefaultModel value) => value.Kind switch
    {
        DefaultKind.Now => "now",
        DefaultKind.RandomUuid => "random",
        DefaultKind.Text or DefaultKind.Canonical => "'" + value.Value.Replace("'", "''") + "'",
        _ => value.Value,
    };
}
