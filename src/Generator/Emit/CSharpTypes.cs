using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>How schema column types appear in generated C#.</summary>
internal static class CSharpTypes
{
    public static string EntitiesNamespace(SchemaModel schema) => schema.Namespace + ".Entities";

    public static string EnumType(SchemaModel schema, string enumName) =>
        $"global::{EntitiesNamespace(schema)}.{Validation.Names.ToPascalCase(enumName)}";

    public static string PropertyType(SchemaModel schema, ColumnModel column)
    {
        var type = column.Kind switch
        {
            ColumnKind.Id or ColumnKind.BigInt => "long",
            ColumnKind.Integer => "int",
            ColumnKind.Real => "double",
            ColumnKind.Boolean => "bool",
            ColumnKind.Timestamp => "global::System.DateTimeOffset",
            ColumnKind.Blob => "byte[]",
            ColumnKind.Enum => EnumType(schema, column.EnumName!),
            _ => "string",
        };
        return column.Nullable ? type + "?" : type;
    }

    /// <summary>The property initializer that mirrors the column's database default, or null.</summary>
    public static string? Initializer(SchemaModel schema, ColumnModel column) => column.Default switch
    {
        null => null,
        { Kind: DefaultKind.Now } => "global::System.DateTimeOffset.UtcNow",
        { Kind: DefaultKind.EnumValue } d => $"{EnumType(schema, column.EnumName!)}.{Validation.Names.ToPascalCase(d.Value)}",
        { Kind: DefaultKind.Number } d => column.Kind == ColumnKind.Real && !d.Value.Contains(".") && !d.Value.Contains("E") ? d.Value + ".0" : d.Value,
        { Kind: DefaultKind.Boolean } d => d.Value,
        { } d => SourceWriter.Literal(d.Value),
    };

    /// <summary>The expression that turns the property into the value the driver binds.</summary>
    public static string ParameterValue(ColumnModel column)
    {
        var access = column.Nullable ? "?." : ".";
        return column.Kind switch
        {
            ColumnKind.Enum => $"{column.PropertyName}{access}ToDbValue()",
            // One text form on both backends: UTC, cut (not rounded) to the microseconds timestamptz keeps,
            // fixed width so SQLite compares and sorts it as text; PostgreSQL casts it (see InsertValue).
            ColumnKind.Timestamp =>
                $"{column.PropertyName}{access}ToUniversalTime().ToString({SourceWriter.Literal(Dialects.SqliteDialect.TimestampFormat)}, global::System.Globalization.CultureInfo.InvariantCulture)",
            _ => column.PropertyName,
        };
    }
}
