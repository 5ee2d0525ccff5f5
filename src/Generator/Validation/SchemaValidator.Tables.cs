using System;
using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Model;
using AgentHive.Generator.Parsing;

namespace AgentHive.Generator.Validation;

// Tables: the entity name a table becomes and the C# names its columns take.
public sealed partial class SchemaValidator
{
    // The toolkit's own tables (history, versions, SQLite rebuild and verify scratch tables) all start with it.
    private const string ToolkitTablePrefix = "agenthive_";

    // Members every generated entity has; a column whose property would take one of these names is refused.
    private static readonly HashSet<string> EntityMemberNames = new(StringComparer.Ordinal)
    {
        "TableName", "SqliteInsertSql", "PostgresInsertSql", "AddInsertParameters",
        "EqualityContract", "Equals", "GetHashCode", "ToString", "PrintMembers", "GetType", "MemberwiseClone",
    };

    private TableBuilder? BuildTable(TableSyntax syntax, Dictionary<string, EnumInfo> enums, Dictionary<string, string> typeNames)
    {
        if (!CheckIdentifier(syntax.Name, "table"))
        {
            return null;
        }

        if (syntax.Name.Value.StartsWith(ToolkitTablePrefix, StringComparison.Ordinal))
        {
            Report(DiagnosticDescriptors.ToolkitTableName, syntax.Name.Location, syntax.Name.Value);
            return null;
        }

        var entityName = SpelledOrDerivedTypeName(syntax.Entity, Names.ToEntityName(syntax.Name.Value), "entity", "Agent");

        if (typeNames.TryGetValue(entityName, out var clash))
        {
            Report(DiagnosticDescriptors.GeneratedNameCollision, syntax.Entity?.Location ?? syntax.Name.Location,
                "Names", clash, $"table '{syntax.Name.Value}'", entityName);
        }
        else
        {
            typeNames[entityName] = $"table '{syntax.Name.Value}'";
        }

        WarnIfImplicitUsingType(entityName, $"Table '{syntax.Name.Value}'", "entity", "table", _typePrefix + entityName,
            syntax.Entity?.Location ?? syntax.Name.Location);

        var table = new TableBuilder(syntax, entityName);
        _locations[$"table:{syntax.Name.Value}"] = syntax.Name.Location;
        if (syntax.RenamedFrom is { } tableRename && CheckIdentifier(tableRename, "table"))
        {
            table.RenamedFrom = tableRename.Value;
            _locations[$"table-renamed:{syntax.Name.Value}"] = tableRename.Location;
        }

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var columnSyntax in syntax.Columns)
        {
            if (BuildColumn(syntax, columnSyntax, enums) is not { } column)
            {
                continue;
            }

            if (column.Model.PropertyName == entityName || EntityMemberNames.Contains(column.Model.PropertyName))
            {
                Report(DiagnosticDescriptors.GeneratedNameCollision, columnSyntax.Name.Location,
                    "Names", $"column '{column.Model.Name}'", $"a member of entity {entityName}", column.Model.PropertyName);
                continue;
            }

            if (properties.TryGetValue(column.Model.PropertyName, out var otherColumn))
            {
                Report(DiagnosticDescriptors.GeneratedNameCollision, columnSyntax.Name.Location,
                    "Columns", otherColumn, column.Model.Name, column.Model.PropertyName);
                continue;
            }

            properties[column.Model.PropertyName] = column.Model.Name;
            table.Columns.Add(column);
        }

        BuildBackfills(table);
        BuildPrimaryKey(table);
        BuildUniques(table);
        BuildIndexes(table);
        BuildChecks(table, enums);
        BuildStateMachines(table, enums);
        BuildWorkload(table, enums);
        return table;
    }
}
