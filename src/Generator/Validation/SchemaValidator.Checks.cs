using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Model;
using AgentHive.Generator.Parsing;

namespace AgentHive.Generator.Validation;

// Checks: the CHECK constraints columns imply (enum, boolean, JSON, range) and declared portable expressions.
public sealed partial class SchemaValidator
{
    private void BuildChecks(TableBuilder table, Dictionary<string, EnumInfo> enums)
    {
        foreach (var column in table.Columns)
        {
            var model = column.Model;
            void Derive(string suffix, CheckRule rule)
            {
                var name = Names.Fit($"ck_{table.Name}_{model.Name}{suffix}");
                if (!CheckNameTaken(table, name, column.Syntax.Name.Location))
                {
                    table.Checks.Add(new CheckModel(name, model.Name, rule));
                }
            }

            CheckRule? rule = model.Kind switch
            {
                ColumnKind.Enum => new InListRule(enums[model.EnumName!].Model.Values.Select(v => v.Value).ToEquatableArray()),
                ColumnKind.Boolean => new BooleanRule(),
                ColumnKind.Json => new JsonValidRule(),
                _ => null,
            };
            if (rule is not null)
            {
                Derive(string.Empty, rule);
            }

            if (model.Kind is ColumnKind.Decimal or ColumnKind.Date or ColumnKind.Time or ColumnKind.Uuid or ColumnKind.SmallInt)
            {
                Derive("_type", new StoredFormRule(model.Kind, model.Precision));
            }

            if (model.MaxLength is { } maxLength)
            {
                Derive("_length", new MaxLengthRule(maxLength));
            }

            if (column.Shape is { } shape)
            {
                Derive("_shape", new JsonShapeRule(shape));
            }

            if (column.RequiredKeys is { Count: > 0 } keys)
            {
                Derive("_keys", new JsonKeysRule(keys.ToEquatableArray()));
            }

            if (column.Range is { } range)
            {
                Derive("_range", range);
            }
        }

        var number = 0;
        foreach (var check in table.Syntax.Checks)
        {
            number++;
            if (check.Expression is null && (check.Sqlite is null || check.Postgres is null))
            {
                Report(DiagnosticDescriptors.CheckWithoutExpression, check.Location, table.Name);
                continue;
            }

            string? portable = null;
            if (check.Expression is { } expression && (portable = Expression(expression, table, $"The check expression '{Shorten(expression.Value)}'", ExpressionType.Boolean)) is null)
            {
                continue;
            }

            var name = check.Name is { } nameToken
                ? (CheckIdentifier(nameToken, "constraint") ? nameToken.Value : null)
                : Names.Fit($"ck_{table.Name}_{number}");
            if (name is not null && !CheckNameTaken(table, name, check.Name?.Location ?? check.Location))
            {
                table.Checks.Add(new CheckModel(name, null, new ExpressionRule(portable, check.Sqlite?.Value, check.Postgres?.Value)));
            }
        }
    }

    /// <summary>PostgreSQL refuses two constraints of one name on a table; reports the second.</summary>
    private bool CheckNameTaken(TableBuilder table, string name, LocationInfo location)
    {
        if (table.Checks.All(c => c.Name != name))
        {
            return false;
        }

        Report(DiagnosticDescriptors.DuplicateName, location, "Check name", name, $" on table '{table.Name}' (checks derived from columns and declarations count)");
        return true;
    }

    /// <summary>
    /// Parses a portable expression over the table's columns and renders it, reporting where it goes wrong;
    /// <paramref name="required"/> is the type the place needs (a condition, the column's type), or null for any.
    /// </summary>
    private (string Sql, ExpressionNode Tree)? ParseExpression(Token token, TableBuilder table, string what, ExpressionType? required)
    {
        var result = PortableExpression.Render(token.Value, name => table.Column(name) is { } column ? ExpressionColumnOf(column.Model) : null);
        if (result.Sql is null)
        {
            Report(DiagnosticDescriptors.InvalidExpression, token.At(result.Offset), what, result.Problem!);
            return null;
        }

        var tree = result.Tree!;
        var problem = required switch
        {
            null => null,
            ExpressionType.Boolean when tree.Type != ExpressionType.Boolean =>
                $"it gives {PortableExpressionParser.Describe(tree.Type)}, but a condition (true or false) is needed; compare it, e.g. '... > 0' or '... IS NOT NULL'",
            { } type when type != ExpressionType.Boolean && !Assignable(tree.Type, type) =>
                $"it gives {PortableExpressionParser.Describe(tree.Type)}, but the column holds {PortableExpressionParser.Describe(type)}",
            _ => null,
        };
        if (problem is not null)
        {
            Report(DiagnosticDescriptors.InvalidExpression, token.At(tree.Offset), what, problem);
            return null;
        }

        return (result.Sql, tree);
    }

    private string? Expression(Token token, TableBuilder table, string what, ExpressionType? required) =>
        ParseExpression(token, table, what, required)?.Sql;

    /// <summary>Whether a value of type <paramref name="value"/> can be stored in a column of type <paramref name="column"/> on both backends.</summary>
    private static bool Assignable(ExpressionType value, ExpressionType column) =>
        value == column || value == ExpressionType.Null ||
        (value == ExpressionType.TextLiteral && column is ExpressionType.Text or ExpressionType.Timestamp or ExpressionType.Json);

    private ExpressionColumn ExpressionColumnOf(ColumnModel column) => column.Kind switch
    {
        ColumnKind.Id or ColumnKind.Integer or ColumnKind.BigInt or ColumnKind.Real => new ExpressionColumn(ExpressionType.Number),
        ColumnKind.Boolean => new ExpressionColumn(ExpressionType.Boolean),
        ColumnKind.Timestamp => new ExpressionColumn(ExpressionType.Timestamp),
        ColumnKind.Json => new ExpressionColumn(ExpressionType.Json),
        ColumnKind.Blob => new ExpressionColumn(ExpressionType.Blob),
        ColumnKind.Enum when _enums.TryGetValue(column.EnumName!, out var info) =>
            new ExpressionColumn(ExpressionType.Text, column.EnumName, info.Model.Values.Select(v => v.Value).ToList()),
        _ => new ExpressionColumn(ExpressionType.Text),
    };
}
