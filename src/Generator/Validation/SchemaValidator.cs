using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Model;
using AgentHive.Generator.Parsing;
using Microsoft.CodeAnalysis;

namespace AgentHive.Generator.Validation;

/// <summary>Checks the meaning of a <see cref="SchemaSyntax"/> and builds the <see cref="SchemaModel"/>.</summary>
/// <remarks>One file per construct: Enums, Tables (C# names), Columns (types, defaults, ranges), Keys (primary,
/// unique, foreign), Indexes, Checks (expressions), StateMachines; Builders holds the mutable state.</remarks>
public sealed partial class SchemaValidator
{
    /// <summary>
    /// The highest schema version. Every version up to it is diffed and compiled on each build, and migration
    /// class names carry four digits; far more than any real history needs.
    /// </summary>
    public const int MaxVersion = 9999;

    private readonly List<DiagnosticInfo> _diagnostics;

    private readonly Dictionary<string, LocationInfo> _locations;

    private Dictionary<string, EnumInfo> _enums = new(StringComparer.Ordinal);

    // Prefixed to a clashing entity name to suggest one that does not clash (AgentHive + Task).
    private string _typePrefix = string.Empty;

    private SchemaValidator(List<DiagnosticInfo> diagnostics, Dictionary<string, LocationInfo> locations)
    {
        _diagnostics = diagnostics;
        _locations = locations;
    }

    /// <summary>
    /// Returns the model, or null when any error was reported, and fills <paramref name="locations"/> with
    /// where things are declared (keys like <c>table:tasks</c>, <c>column:tasks.status</c>) for later stages.
    /// </summary>
    public static SchemaModel? Validate(SchemaSyntax syntax, List<DiagnosticInfo> diagnostics, Dictionary<string, LocationInfo> locations)
    {
        var errorsBefore = diagnostics.Count(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error);
        var model = new SchemaValidator(diagnostics, locations).Build(syntax);
        var errorsAfter = diagnostics.Count(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error);
        return errorsAfter == 0 && errorsBefore == 0 ? model : null;
    }

    private SchemaModel Build(SchemaSyntax syntax)
    {
        var name = "schema";
        if (syntax.Name is { } nameToken && CheckIdentifier(nameToken, "schema"))
        {
            name = nameToken.Value;
        }

        var ns = Names.ToPascalCase(name);
        if (syntax.Namespace is { } nsToken)
        {
            if (nsToken.Value.Split('.').All(Names.IsValidCSharpIdentifier))
            {
                ns = nsToken.Value;
            }
            else
            {
                Report(DiagnosticDescriptors.InvalidValue, nsToken.Location, nsToken.Value, "'namespace'", "a C# namespace such as AgentHive.Data");
            }
        }

        var version = 0;
        if (syntax.Version is { } versionToken &&
            (!int.TryParse(versionToken.Value, NumberStyles.None, CultureInfo.InvariantCulture, out version) || version < 1 || version > MaxVersion))
        {
            Report(DiagnosticDescriptors.InvalidVersion, versionToken.Location, Shorten(versionToken.Value), MaxVersion.ToString(CultureInfo.InvariantCulture));
            version = 0;
        }

        _typePrefix = Names.ToPascalCase(name);
        var enums = BuildEnums(syntax.Enums);
        _enums = enums;
        var tableNames = new HashSet<string>(syntax.Tables.Select(t => t.Name.Value), StringComparer.Ordinal);
        var typeNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in enums.Values)
        {
            typeNames[e.Model.TypeName] = $"enum '{e.Model.Name}'";
            typeNames[e.Model.TypeName + "Extensions"] = $"enum '{e.Model.Name}'";
        }

        var tables = new List<TableBuilder>();
        foreach (var tableSyntax in syntax.Tables)
        {
            if (BuildTable(tableSyntax, enums, typeNames) is { } table)
            {
                tables.Add(table);
            }
        }

        var byName = tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var table in tables)
        {
            ResolveForeignKeys(table, byName, tableNames);
        }

        CheckPartitionedTables(tables);
        CheckGlobalIndexNames(tables);
        foreach (var table in tables)
        {
            WarnAboutIndexes(table);
        }

        var ordered = OrderByDependencies(tables);

        _locations["version"] = syntax.Version?.Location ?? syntax.Location;
        foreach (var (entries, direction) in new[] { (syntax.AllowDataLossUp, "up"), (syntax.AllowDataLossDown, "down") })
        {
            foreach (var entry in entries)
            {
                _locations[$"loss-{direction}:{entry.Value}"] = entry.Location;
            }
        }

        return new SchemaModel(
            name,
            ns,
            Names.ToPascalCase(name) + "Schema",
            version,
            syntax.Description?.Value ?? string.Empty,
            enums.Values.Select(e => e.Model).ToEquatableArray(),
            ordered.Select(t => t.ToModel()).ToEquatableArray(),
            syntax.AllowDataLossUp.Select(t => t.Value).Distinct().ToEquatableArray(),
            syntax.AllowDataLossDown.Select(t => t.Value).Distinct().ToEquatableArray(),
            BuildSteps(syntax.Steps).ToEquatableArray(),
            BuildQueries(syntax.Queries, tables).ToEquatableArray());
    }

    private List<StepModel> BuildSteps(List<StepSyntax> steps)
    {
        var result = new List<StepModel>();
        var number = 0;
        foreach (var step in steps)
        {
            number++;
            if (step.Sql is null && (step.Sqlite is null || step.Postgres is null))
            {
                Report(DiagnosticDescriptors.MissingKey, step.Location, "A step", "sql' (or both 'sqlite' and 'postgres");
                continue;
            }

            var before = false;
            if (step.Phase is { } phase)
            {
                if (phase.Value is not ("before" or "after"))
                {
                    Report(DiagnosticDescriptors.InvalidValue, phase.Location, phase.Value, "'phase'", "before or after (the version's schema changes)");
                    continue;
                }

                before = phase.Value == "before";
            }

            var name = step.Name is { } nameToken && CheckIdentifier(nameToken, "step") ? nameToken.Value : $"step_{number}";
            _locations[$"step:{name}"] = step.Name?.Location ?? step.Location;
            result.Add(new StepModel(name, before, (step.Sqlite ?? step.Sql)!.Value, (step.Postgres ?? step.Sql)!.Value));
        }

        return result;
    }

    private List<string>? ResolveColumns(TableBuilder table, List<Token> tokens, string what)
    {
        var result = new List<string>();
        foreach (var token in tokens)
        {
            if (!table.HasColumn(token.Value))
            {
                Report(DiagnosticDescriptors.MissingColumn, token.Location, what, token.Value, table.Name);
                return null;
            }

            if (result.Contains(token.Value))
            {
                Report(DiagnosticDescriptors.DuplicateName, token.Location, "Column", token.Value, $" in {what.ToLowerInvariant()}");
                return null;
            }

            result.Add(token.Value);
        }

        return result;
    }

    private bool? Bool(Token? token, string what)
    {
        if (token is null)
        {
            return null;
        }

        switch (token.Value)
        {
            case "true":
                return true;
            case "false":
                return false;
            default:
                Report(DiagnosticDescriptors.InvalidValue, token.Location, token.Value, what, "true or false");
                return null;
        }
    }

    private bool CheckIdentifier(Token token, string what)
    {
        if (!Names.IsValidIdentifier(token.Value))
        {
            Report(DiagnosticDescriptors.InvalidIdentifier, token.Location, token.Value, what);
            return false;
        }

        if (Names.IsReserved(token.Value))
        {
            Report(DiagnosticDescriptors.ReservedIdentifier, token.Location, token.Value, what);
            return false;
        }

        return true;
    }

    /// <summary>A value as quoted in a message: long input is cut so a message stays one readable line.</summary>
    internal static string Shorten(string value) => value.Length <= 40 ? value : value.Substring(0, 40) + "...";

    /// <summary>The C# type name a key such as 'entity:' spells out; the derived one when the key is absent or not an identifier (reported).</summary>
    private string SpelledOrDerivedTypeName(Token? spelled, string derived, string key, string example)
    {
        if (spelled is null)
        {
            return derived;
        }

        if (Names.IsValidCSharpIdentifier(spelled.Value))
        {
            return spelled.Value;
        }

        Report(DiagnosticDescriptors.InvalidValue, spelled.Location, spelled.Value, $"'{key}'", $"a C# type name such as {example}");
        return derived;
    }

    /// <summary>Warns (AH0044) when a generated type takes the name of a type of the implicit usings; true if it did.</summary>
    private bool WarnIfImplicitUsingType(string typeName, string owner, string key, string keyOwner, string suggestion, LocationInfo at)
    {
        if (ImplicitUsingTypes.NamespaceOf(typeName) is not { } clashingNamespace)
        {
            return false;
        }

        Report(DiagnosticDescriptors.TypeNameShadowsSystemType, at, owner, typeName, $"{clashingNamespace}.{typeName}", key, keyOwner, suggestion);
        return true;
    }

    private void Report(DiagnosticDescriptor descriptor, LocationInfo location, params string[] args) =>
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, args));
}
