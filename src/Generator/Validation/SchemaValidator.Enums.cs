using System;
using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Model;
using AgentHive.Generator.Parsing;

namespace AgentHive.Generator.Validation;

// Enums: values, the C# members they become, and value maps between versions.
public sealed partial class SchemaValidator
{
    private Dictionary<string, EnumInfo> BuildEnums(List<EnumSyntax> syntaxes)
    {
        var result = new Dictionary<string, EnumInfo>(StringComparer.Ordinal);
        foreach (var syntax in syntaxes)
        {
            if (!CheckIdentifier(syntax.Name, "enum"))
            {
                continue;
            }

            if (syntax.Values.Count == 0)
            {
                Report(DiagnosticDescriptors.EmptyEnum, syntax.Name.Location, syntax.Name.Value);
                continue;
            }

            var values = new List<EnumValueModel>();
            var seenValues = new HashSet<string>(StringComparer.Ordinal);
            var members = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var value in syntax.Values)
            {
                if (!Names.IsValidEnumValue(value.Value))
                {
                    Report(DiagnosticDescriptors.InvalidEnumValue, value.Location, syntax.Name.Value, value.Value);
                    continue;
                }

                if (!seenValues.Add(value.Value))
                {
                    Report(DiagnosticDescriptors.DuplicateName, value.Location, "Enum value", value.Value, $" in enum '{syntax.Name.Value}'");
                    continue;
                }

                var member = Names.ToPascalCase(value.Value);
                if (members.TryGetValue(member, out var other))
                {
                    Report(DiagnosticDescriptors.GeneratedNameCollision, value.Location, "Enum values", other, value.Value, member);
                    continue;
                }

                members[member] = value.Value;
                values.Add(new EnumValueModel(value.Value, member));
            }

            var map = new List<ValueMapping>();
            foreach (var (old, replacement) in syntax.ValueMap)
            {
                if (seenValues.Contains(old.Value))
                {
                    Report(DiagnosticDescriptors.InvalidValueMap, old.Location, old.Value, syntax.Name.Value, "it is still a value; map only values this version removes");
                }
                else if (!seenValues.Contains(replacement.Value))
                {
                    Report(DiagnosticDescriptors.InvalidValueMap, replacement.Location, old.Value, syntax.Name.Value, $"'{replacement.Value}' is not one of its values");
                }
                else
                {
                    map.Add(new ValueMapping(old.Value, replacement.Value));
                    _locations[$"value-map:{syntax.Name.Value}.{old.Value}"] = old.Location;
                }
            }

            _locations[$"enum:{syntax.Name.Value}"] = syntax.Name.Location;
            var typeName = EnumTypeName(syntax);
            var model = new EnumModel(syntax.Name.Value, typeName, syntax.Description?.Value, values.ToEquatableArray(), map.ToEquatableArray());
            result[syntax.Name.Value] = new EnumInfo(model, seenValues);
        }

        return result;
    }

    private string EnumTypeName(EnumSyntax syntax)
    {
        var typeName = SpelledOrDerivedTypeName(syntax.TypeName, Names.ToPascalCase(syntax.Name.Value), "typeName", "AgentStatus");
        var at = syntax.TypeName?.Location ?? syntax.Name.Location;
        var owner = $"Enum '{syntax.Name.Value}'";
        var suggestion = _typePrefix + typeName;
        if (!WarnIfImplicitUsingType(typeName, owner, "typeName", "enum", suggestion, at))
        {
            // Its helper class lands in the same namespace: enum 'collection' would bring CollectionExtensions.
            WarnIfImplicitUsingType(typeName + "Extensions", $"The helper class of enum '{syntax.Name.Value}'", "typeName", "enum", suggestion, at);
        }

        return typeName;
    }

    private sealed record EnumInfo(EnumModel Model, HashSet<string> Values);
}
