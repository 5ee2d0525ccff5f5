using AgentHive.Generator.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace AgentHive.Generator.Emit;

/// <summary>How generated data access binds and reads each schema type (through AgentHive.Runtime.Data).</summary>
internal static class DataTypes
{
    public const string Runtime = "global::AgentHive.Runtime.Data";

    /// <summary>The runtime's DbValueKind member for a schema type.</summary>
    public static string ValueKind(ColumnKind kind) => kind switch
    {
        ColumnKind.Id or ColumnKind.BigInt => "Int64",
        ColumnKind.Integer => "Int32",
        ColumnKind.SmallInt => "Int16",
        ColumnKind.Real => "Double",
        ColumnKind.Boolean => "Boolean",
        ColumnKind.Json => "Json",
        ColumnKind.Timestamp => "Timestamp",
        ColumnKind.Decimal => "Decimal",
        ColumnKind.Date => "Date",
        ColumnKind.Time => "Time",
        ColumnKind.Uuid => "Uuid",
        ColumnKind.Blob => "Blob",
        _ => "Text",
    };

    /// <summary>A statement writing <paramref name="value"/> (a C# expression of the type's property type) to <paramref name="writer"/>.</summary>
    public static string Write(SchemaModel schema, string writer, ColumnKind kind, string? enumName, bool nullable, int scale, string value) => kind switch
    {
        ColumnKind.Enum when nullable =>
            $"{writer}.Text({value}.HasValue ? {EnumExtensions(schema, enumName!)}.ToDbValue({value}.GetValueOrDefault()) : null);",
        ColumnKind.Enum => $"{writer}.Text({EnumExtensions(schema, enumName!)}.ToDbValue({value}));",
        ColumnKind.Decimal => $"{writer}.Decimal({value}, {scale});",
        _ => $"{writer}.{ValueKind(kind)}({value});",
    };

    /// <summary>A C# expression reading ordinal <paramref name="ordinal"/> of <c>reader</c> (with <c>backend</c> at hand).</summary>
    public static string Read(SchemaModel schema, ColumnKind kind, string? enumName, bool nullable, int scale, string ordinal,
        string reader = "reader", string backend = "backend")
    {
        var read = kind switch
        {
            ColumnKind.Id or ColumnKind.BigInt => $"{reader}.GetInt64({ordinal})",
            ColumnKind.Integer => $"{reader}.GetInt32({ordinal})",
            ColumnKind.SmallInt => $"{reader}.GetInt16({ordinal})",
            ColumnKind.Real => $"{reader}.GetDouble({ordinal})",
            ColumnKind.Boolean => $"{reader}.GetBoolean({ordinal})",
            ColumnKind.Text or ColumnKind.Json => $"{reader}.GetString({ordinal})",
            ColumnKind.Enum => $"{EnumExtensions(schema, enumName!)}.ParseDbValue({reader}.GetString({ordinal}))",
            ColumnKind.Decimal => $"{backend}.ReadDecimal({reader}, {ordinal}, {scale})",
            _ => $"{backend}.Read{ValueKind(kind)}({reader}, {ordinal})",
        };
        return nullable ? $"{reader}.IsDBNull({ordinal}) ? null : {read}" : read;
    }

    /// <summary>The C# type of a value of a schema type.</summary>
    public static string Type(SchemaModel schema, ColumnKind kind, string? enumName, bool nullable)
    {
        var type = CSharpTypes.PropertyType(schema, new ColumnModel("value", "Value", kind == ColumnKind.Id ? ColumnKind.BigInt : kind, enumName, false, null, null));
        return nullable ? type + "?" : type;
    }

    /// <summary>The parameter name for a property: camel case, escaped when it is a keyword.</summary>
    public static string Argument(string propertyName)
    {
        var name = char.ToLowerInvariant(propertyName[0]) + propertyName.Substring(1);
        return SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
    }

    private static string EnumExtensions(SchemaModel schema, string enumName) => CSharpTypes.EnumType(schema, enumName) + "Extensions";
}
