using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>A C# enum per schema enum, with exact mapping to and from its database values.</summary>
internal static class EnumEmitter
{
    public static string Emit(SchemaModel schema, EnumModel model)
    {
        var ns = CSharpTypes.EntitiesNamespace(schema);
        var type = $"global::{ns}.{model.TypeName}";
        var w = new SourceWriter().Header(ns);
        w.Summary(model.Description ?? $"Values of the schema enum '{model.Name}'.");
        w.Open($"public enum {model.TypeName}");
        foreach (var value in model.Values)
        {
            w.Line($"/// <summary>Stored as <c>{SourceWriter.Escape(value.Value)}</c>.</summary>");
            w.Line($"{value.MemberName},");
        }

        w.Close();
        w.Line();
        w.Line($"/// <summary>Maps <see cref=\"{model.TypeName}\"/> to the exact text the database stores.</summary>");
        w.Open($"public static class {model.TypeName}Extensions");
        w.Line("/// <summary>The database value of <paramref name=\"value\"/>.</summary>");
        w.Open($"public static string ToDbValue(this {type} value) => value switch");
        foreach (var value in model.Values)
        {
            w.Line($"{type}.{value.MemberName} => {SourceWriter.Literal(value.Value)},");
        }

        w.Line("_ => throw new global::System.ArgumentOutOfRangeException(nameof(value), value, null),");
        w.Close(";");
        w.Line();
        w.Line("/// <summary>Reads a database value; false when it is not a value of this enum.</summary>");
        w.Open($"public static bool TryParseDbValue(string? text, out {type} value)");
        w.Open("switch (text)");
        foreach (var value in model.Values)
        {
            w.Line($"case {SourceWriter.Literal(value.Value)}: value = {type}.{value.MemberName}; return true;");
        }

        w.Line("default: value = default; return false;");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>Reads a database value or throws <see cref=\"global::System.FormatException\"/>.</summary>");
        w.Line($"public static {type} ParseDbValue(string text) => TryParseDbValue(text, out var value)");
        w.Line($"    ? value");
        w.Line($"    : throw new global::System.FormatException($\"'{{text}}' is not a value of enum {model.Name}\");");
        w.Close();
        return w.ToString();
    }
}
