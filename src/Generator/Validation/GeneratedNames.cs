using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Model;
using AgentHive.Generator.Parsing;
using Microsoft.CodeAnalysis.CSharp;

namespace AgentHive.Generator.Validation;

/// <summary>
/// Checks the names a valid model gives the generated C#: every type and file name unique (ignoring case,
/// as generated file names and many file systems do), no keyword, no name a file system cannot hold, and
/// no property that takes the name of its entity or of a member every entity has.
/// </summary>
public static class GeneratedNames
{
    /// <summary>A generated file name (namespace, type, ".g.cs") is one path segment: most file systems stop at 255 bytes.</summary>
    public const int MaxFileNameBytes = 255;

    // Members every generated entity declares or inherits from record and object; a property with one of
    // these names would clash with it (CS0102) or hide it (CS0108, an error where warnings are).
    private static readonly HashSet<string> EntityMembers = new(StringComparer.Ordinal)
    {
        "TableName", "SqliteInsertSql", "PostgresInsertSql", "AddInsertParameters", "AddParameter",
        "EqualityContract", "Equals", "GetHashCode", "ToString", "PrintMembers", "GetType", "MemberwiseClone",
        "ReferenceEquals", "Clone",
    };

    // Members every positional record declares or inherits: a query's result record may not have a property so named.
    private static readonly HashSet<string> RecordMembers = new(StringComparer.Ordinal)
    {
        "EqualityContract", "Equals", "GetHashCode", "ToString", "PrintMembers", "GetType", "MemberwiseClone",
        "ReferenceEquals", "Clone", "Deconstruct",
    };

    /// <summary>Reports every problem; true when there was none.</summary>
    public static bool Check(SchemaSyntax syntax, SchemaModel model, List<DiagnosticInfo> diagnostics)
    {
        var before = diagnostics.Count;
        var namespaceAt = syntax.Namespace?.Location ?? syntax.Name?.Location ?? syntax.Location;
        CheckNamespace(model.Namespace, namespaceAt, diagnostics);
        var schemaFile = $"{model.Namespace}.{model.TypeName}.g.cs";
        if (Encoding.UTF8.GetByteCount(schemaFile) > MaxFileNameBytes)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameNotAllowedInCSharp, namespaceAt, model.Namespace, "the namespace",
                $"the generated file '{schemaFile}' would be longer than {MaxFileNameBytes} bytes", "Choose a shorter namespace"));
        }

        var types = new List<GeneratedType>();
        foreach (var e in model.Enums)
        {
            var enumSyntax = syntax.Enums.First(s => s.Name.Value == e.Name);
            var at = enumSyntax.TypeName?.Location ?? enumSyntax.Name.Location;
            var owner = $"enum '{e.Name}'";
            var fix = $"Give enum '{e.Name}' another C# name with 'typeName:'";
            if (enumSyntax.TypeName is { } typeName)
            {
                CheckTypeName(typeName.Value, $"the type name of enum '{e.Name}'", typeName.Location, diagnostics);
            }

            types.Add(new GeneratedType(e.TypeName, owner, at, fix));
            types.Add(new GeneratedType(e.TypeName + "Extensions", $"the helper class of {owner}", at, fix));
        }

        foreach (var table in model.Tables)
        {
            var tableSyntax = syntax.Tables.First(s => s.Name.Value == table.Name);
            var at = tableSyntax.Entity?.Location ?? tableSyntax.Name.Location;
            var fix = $"Give table '{table.Name}' another C# name with 'entity:'";
            if (tableSyntax.Entity is { } entity)
            {
                CheckTypeName(entity.Value, $"the entity name of table '{table.Name}'", entity.Location, diagnostics);
            }

            types.Add(new GeneratedType(table.EntityName, $"table '{table.Name}'", at, fix));
            foreach (var machine in table.StateMachines)
            {
                var machineAt = tableSyntax.StateMachines.First(s => s.Column.Value == machine.Column).Column.Location;
                types.Add(new GeneratedType(Emit.StateMachineEmitter.TypeName(table, machine), $"the state machine of '{table.Name}.{machine.Column}'", machineAt, fix));
            }

            foreach (var column in table.Columns)
            {
                CheckProperty(table, column, tableSyntax.Columns.First(c => c.Name.Value == column.Name).Name.Location, diagnostics);
            }
        }

        CheckUnique(types, model, diagnostics);
        CheckQueryResults(syntax, model, types, diagnostics);
        CheckDataAccess(syntax, model, diagnostics);
        return diagnostics.Count == before;
    }

    // Members the database class inherits from AgentHive.Runtime.Data.SchemaDatabase and object, or declares itself.
    private static readonly HashSet<string> DatabaseMembers = new(StringComparer.Ordinal)
    {
        "Connection", "Backend", "Transaction", "BeginTransaction", "BeginTransactionAsync", "Prepare", "PrepareAsync",
        "InsertMany", "InsertManyAsync", "InsertManyReturningIds", "InsertManyReturningIdsAsync", "OpenConnection", "Open",
        "Dispose", "DisposeAsync", "StatementCount", "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone",
        "ReferenceEquals", "Finalize",
    };

    /// <summary>
    /// The generated database class holds a property per table, per queue and per memory, and a method (and its Async twin) per query:
    /// none may take another's name, an inherited member's, or the class's own (CS0542). Method arguments
    /// may not be called cancellationToken, which every async method takes last.
    /// </summary>
    private static void CheckDataAccess(SchemaSyntax syntax, SchemaModel model, List<DiagnosticInfo> diagnostics)
    {
        var database = Emit.DatabaseEmitter.ClassName(model);
        var taken = new Dictionary<string, string>(StringComparer.Ordinal) { [database] = "the class itself (a member cannot have its class's name)" };
        foreach (var member in DatabaseMembers)
        {
            taken[member] = "an inherited member";
        }

        void Take(string name, string owner, LocationInfo at, string fix)
        {
            if (taken.TryGetValue(name, out var first))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DataAccessMemberCollision, at, owner, name, database, first, fix));
            }
            else
            {
                taken[name] = owner;
            }
        }

        foreach (var table in model.Tables)
        {
            var tableSyntax = syntax.Tables.First(s => s.Name.Value == table.Name);
            var at = tableSyntax.Name.Location;
            Take(Emit.TableAccessEmitter.PropertyName(table), $"table '{table.Name}'", at, "Rename the table");
            if (table.Queue is not null)
            {
                Take(Emit.QueueAccessEmitter.PropertyName(table), $"the queue of table '{table.Name}'", tableSyntax.Queue?.Key.Location ?? at,
                    $"Give table '{table.Name}' another C# name with 'entity:', or rename what takes the name first");
            }

            if (table.Memory is not null)
            {
                Take(Emit.MemoryAccessEmitter.ClassName(table), $"the memory of table '{table.Name}'", tableSyntax.Memory?.Key.Location ?? at,
                    $"Give table '{table.Name}' another C# name with 'entity:', or rename what takes the name first");
            }

            foreach (var column in table.PrimaryKey.Columns.Concat(table.Uniques.SelectMany(u => u.Columns)))
            {
                if (Emit.DataTypes.Argument(table.Columns.First(c => c.Name == column).PropertyName) == "cancellationToken")
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DataAccessMemberCollision, at, $"key column '{table.Name}.{column}'",
                        "cancellationToken", Emit.TableAccessEmitter.ClassName(table), "every async method's last argument", "Rename the column"));
                }
            }
        }

        foreach (var query in model.Queries)
        {
            var at = syntax.Queries.FirstOrDefault(s => s.Name.Value == query.Name)?.Name.Location ?? syntax.Location;
            var owner = $"query '{query.Name}'";
            Take(query.MethodName, owner, at, "Rename the query");
            Take(query.MethodName + "Async", owner, at, "Rename the query");
            Take(query.MethodName + "CoreAsync", owner, at, "Rename the query");
            Take(query.MethodName + "Statement", owner, at, "Rename the query");
            if (query.Result.Kind == QueryResultKind.Projection)
            {
                Take(query.MethodName + "Columns", owner, at, "Rename the query");
                Take("Read" + query.Result.TypeName, $"the result record of {owner}", at, "Rename the query or its result type ('typeName:')");
            }

            foreach (var parameter in query.Parameters.Where(p => p.ArgumentName == "cancellationToken"))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DataAccessMemberCollision, at, $"parameter '{parameter.Name}' of {owner}",
                    "cancellationToken", database, "every async method's last argument", "Rename the parameter"));
            }

            // a_b and a__b both become the argument aB.
            var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var parameter in query.Parameters)
            {
                if (arguments.TryGetValue(parameter.ArgumentName, out var first))
                {
                    var parameterAt = syntax.Queries.First(s => s.Name.Value == query.Name).Parameters.First(p => p.Name.Value == parameter.Name).Name.Location;
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DataAccessMemberCollision, parameterAt, $"parameter '{parameter.Name}' of {owner}",
                        parameter.ArgumentName.TrimStart('@'), database, $"parameter '{first}' (an argument of method {query.MethodName})", "Rename the parameter"));
                }
                else
                {
                    arguments[parameter.ArgumentName] = parameter.Name;
                }
            }
        }
    }

    /// <summary>
    /// A projection result is a positional record beside the entities: its name must be a C# type name no other
    /// generated type takes, and its properties may not repeat, take the record's name or a member every record has.
    /// </summary>
    private static void CheckQueryResults(SchemaSyntax syntax, SchemaModel model, List<GeneratedType> types, List<DiagnosticInfo> diagnostics)
    {
        foreach (var query in model.Queries.Where(q => q.Result.Kind == QueryResultKind.Projection))
        {
            var result = syntax.Queries.First(s => s.Name.Value == query.Name).Result!;
            var typeName = query.Result.TypeName!;
            var at = result.TypeName?.Location ?? result.Location;
            var what = $"the result record of query '{query.Name}'";
            if (result.TypeName is { } spelled)
            {
                CheckTypeName(spelled.Value, $"the type name of {what}", at, diagnostics);
            }

            if (types.FirstOrDefault(t => t.Name == typeName) is { } taken)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GeneratedTypeCollision, at, what, typeName, taken.Owner, string.Empty,
                    $"Name the result with 'typeName:' (for example '{typeName}Row')"));
            }

            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var column in query.Result.Columns)
            {
                var repeated = properties.TryGetValue(column.PropertyName, out var first);
                var problem = column.PropertyName == typeName ? "a C# member cannot have the name of its enclosing type (CS0542)"
                    : RecordMembers.Contains(column.PropertyName) ? $"every record already has a member '{column.PropertyName}'"
                    : repeated ? $"result column '{first}' already becomes that property"
                    : null;
                if (!repeated)
                {
                    properties[column.PropertyName] = column.Name;
                }

                if (problem is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameNotAllowedInCSharp, result.Columns.First(c => c.Name.Value == column.Name).Name.Location,
                        column.PropertyName, $"the property of result column '{column.Name}' of query '{query.Name}' in record {typeName}", problem, "Rename the column (and its alias in the SQL)"));
                }
            }
        }
    }

    private static void CheckUnique(List<GeneratedType> types, SchemaModel model, List<DiagnosticInfo> diagnostics)
    {
        var entities = Emit.CSharpTypes.EntitiesNamespace(model);
        foreach (var group in types.GroupBy(t => t.Name, StringComparer.OrdinalIgnoreCase))
        {
            var ordered = group.OrderBy(t => t.At.Line).ThenBy(t => t.At.Column).ToList();
            foreach (var later in ordered.Skip(1))
            {
                var first = ordered[0];
                var caseOnly = first.Name == later.Name ? string.Empty : $" ('{first.Name}'; generated file names ignore case)";
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GeneratedTypeCollision, later.At,
                    later.Owner, later.Name, first.Owner, caseOnly, later.Fix));
            }
        }

        foreach (var type in types)
        {
            var fileName = $"{entities}.{type.Name}.g.cs";
            if (Encoding.UTF8.GetByteCount(fileName) > MaxFileNameBytes)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameNotAllowedInCSharp, type.At, type.Name, $"the C# type of {type.Owner}",
                    $"its generated file '{entities}.{type.Name}.g.cs' would be longer than {MaxFileNameBytes} bytes", "Choose a shorter name or namespace"));
            }
        }
    }

    private static void CheckProperty(TableModel table, ColumnModel column, LocationInfo at, List<DiagnosticInfo> diagnostics)
    {
        var problem = column.PropertyName == table.EntityName ? "a C# member cannot have the name of its enclosing type (CS0542)"
            : EntityMembers.Contains(column.PropertyName) ? $"every entity already has a member '{column.PropertyName}'"
            : null;
        if (problem is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameNotAllowedInCSharp, at, column.PropertyName,
                $"the property of column '{table.Name}.{column.Name}' in entity {table.EntityName}", problem, "Rename the column"));
        }
    }

    private static void CheckNamespace(string ns, LocationInfo at, List<DiagnosticInfo> diagnostics)
    {
        foreach (var segment in ns.Split('.'))
        {
            var problem = !SyntaxFacts.IsValidIdentifier(segment) ? "it is not a C# identifier"
                : SyntaxFacts.GetKeywordKind(segment) != SyntaxKind.None ? "it is a C# keyword"
                : null;
            if (problem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameNotAllowedInCSharp, at, segment, $"a segment of namespace '{ns}'", problem,
                    segment.Length == 0 ? "Remove the empty segment" : $"Use for example '{Names.ToPascalCase(segment)}'"));
                return;
            }
        }
    }

    /// <summary>
    /// C# keywords are all lower-case ASCII, and the compiler reserves such type names for future keywords
    /// (CS8981, an error where warnings are): a type name needs one other character.
    /// </summary>
    private static void CheckTypeName(string name, string what, LocationInfo at, List<DiagnosticInfo> diagnostics)
    {
        var problem = !SyntaxFacts.IsValidIdentifier(name) ? "it is not a C# identifier"
            : SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None ? "it is a C# keyword"
            : name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_') ? "C# reserves lower-case type names for keywords (CS8981)"
            : null;
        if (problem is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameNotAllowedInCSharp, at, name, what, problem,
                $"Use for example '{Names.ToPascalCase(name.TrimStart('@'))}'"));
        }
    }

    private sealed record GeneratedType(string Name, string Owner, LocationInfo At, string Fix);
}
