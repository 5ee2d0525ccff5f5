using System.Linq;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>How schema column types appear in generated C#.</summary>
internal static class CSharpTypes
{
    public static string EntitiesNamespace(SchemaModel schema) => schema.Namespace + ".Entities";

    public static string EnumType(SchemaModel schema, string enumName) =>
        $"global::{EntitiesNamespace(schema)}.{schema.Enums.First(e => e.Name == enumName).TypeName}";

    public static string PropertyType(SchemaModel schema, ColumnModel column)
    {
        var type = column.Kind switch
        {
            // Null until the database assigns it; set it to insert that id (imports, fixtures).
            ColumnKind.Id => "long?",
            ColumnKind.BigInt => "long",
            ColumnKind.SmallInt => "short",
            ColumnKind.Decimal => "decimal",
            ColumnKind.Date => "global::System.DateOnly",
            ColumnKind.Time => "global::System.TimeOnly",
            ColumnKind.Uuid => "global::System.Guid",
            ColumnKind.Integer => "int",
            ColumnKind.Real => "double",
            ColumnKind.Boolean => "bool",
            ColumnKind.Timestamp => "global::System.DateTimeOffset",
            ColumnKind.Blob => "byte[]",
            ColumnKind.Enum => EnumType(schema, column.EnumName!),
            _ => "string",
        };
        return column.Nullable && column.Kind != ColumnKind.Id ? type + "?" : type;
    }

    /// <summary>The property initializer that mirrors the column's database default, or null.</summary>
    public static string? Initializer(SchemaModel schema, ColumnModel column) => column.Default switch
    {
        null => null,
        { Kind: DefaultKind.Now } => "global::System.DateTimeOffset.UtcNow",
        { Kind: DefaultKind.EnumValue } d => $"{EnumType(schema, column.EnumName!)}.{Validation.Names.ToPascalCase(d.Value)}",
        { Kind: DefaultKind.Number } d => column.Kind == ColumnKind.Real && !d.Value.Contains(".") && !d.Value.Contains("E") ? d.Value + ".0" : d.Value,
        { Kind: DefaultKind.Boolean } d => d.Value,
        { Kind: DefaultKind.Decimal } d => d.Value + "m",
        { Kind: DefaultKind.RandomUuid } => "global::System.Guid.NewGuid()",
        { Kind: DefaultKind.Canonical } d => CanonicalInitializer(column.Kind, d.Value),
        { } d => SourceWriter.Literal(d.Value),
    };

    /// <summary>Canonical text as each type's .NET value binds it, so both backends receive the stored form.</summary>
    private static readonly System.Collections.Generic.Dictionary<ColumnKind, string> CanonicalFormat = new()
    {
        [ColumnKind.Date] = "yyyy-MM-dd",
        [ColumnKind.Time] = "HH:mm:ss.ffffff",
        [ColumnKind.Uuid] = "D",
    };

    private static string CanonicalInitializer(ColumnKind kind, string value) => kind switch
    {
        ColumnKind.Uuid => $"new global::System.Guid({SourceWriter.Literal(value)})",
        _ => $"global::System.{(kind == ColumnKind.Date ? "DateOnly" : "TimeOnly")}.ParseExact({SourceWriter.Literal(value)}, " +
             $"{SourceWriter.Literal(CanonicalFormat[kind])}, global::System.Globalization.CultureInfo.InvariantCulture)",
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
            // Exactly the scale's digits (rounded half away from zero, as numeric(p,s) does).
            ColumnKind.Decimal => $"{column.PropertyName}{access}ToString(\"F{column.Scale}\", global::System.Globalization.CultureInfo.InvariantCulture)",
            ColumnKind.Date or ColumnKind.Time => $"{column.PropertyName}{access}ToString(\"{CanonicalFormat[column.Kind]}\", global::System.Globalization.CultureInfo.InvariantCulture)",
            // Microsoft.Data.Sqlite would bind a Guid as a 16-byte blob.
            ColumnKind.Uuid => $"{column.PropertyName}{access}ToString(\"D\")",
            _ => column.PropertyName,
        };
    }
}
