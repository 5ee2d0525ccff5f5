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
            CheckRule? rule = model.Kind switch
            {
                ColumnKind.Enum => new InListRule(enums[model.EnumName!].Model.Values.Select(v => v.Value).ToEquatableArray()),
                ColumnKind.Boolean => new BooleanRule(),
                ColumnKind.Json => new JsonValidRule(),
                _ => null,
            };
            if (rule is not null)
            {
                table.Checks.Add(new CheckModel(Names.Fit($"ck_{table.Name}_{model.Name}"), model.Name, rule));
            }

            if (model.Kind is ColumnKind.Decimal or ColumnKind.Date or ColumnKind.Time or ColumnKind.Uuid or ColumnKind.SmallInt)
            {
                table.Checks.Add(new CheckModel(Names.Fit($"ck_{table.Name}_{model.Name}_type"), model.Name, new StoredFormRule(model.Kind, model.Precision)));
            }

            if (model.MaxLength is { } maxLength)
            {
                table.Checks.Add(new CheckModel(Names.Fit($"ck_{table.Name}_{model.Name}_length"), model.Name, new MaxLengthRule(maxLength)));
            }

            if (column.Shape is { } shape)
            {
                table.Checks.Add(new CheckModel(Names.Fit($"ck_{table.Name}_{model.Name}_shape"), model.Name, new JsonShapeRule(shape)));
            }

            if (column.RequiredKeys is { Count: > 0 } keys)
            {
                table.Checks.Add(new CheckModel(Names.Fit($"ck_{table.Name}_{model.Name}_keys"), model.Name, new JsonKeysRule(keys.ToEquatableArray())));
            }

            if (column.Range is { } range)
            {
                table.Checks.Add(new CheckModel(Names.Fit($"ck_{table.Name}_{model.Name}_range"), model.Name, range));
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
            if (check.Expression is { } expression && (portable = Expression(expression, table, $"The check expression '{expression.Value}'")) is null)
            {
                continue;
            }

            var name = check.Name is { } nameToken
                ? (CheckIdentifier(nameToken, "constraint") ? nameToken.Value : null)
                : Names.Fit($"ck_{table.Name}_{number}");
            if (name is not null)
            {
                table.Checks.Add(new CheckModel(name, null, new ExpressionRule(portable, check.Sqlite?.Value, check.Postgres?.Value)));
            }
        }
    }

    /// <summary>Renders a portable expression over the table's columns, reporting where it goes wrong.</summary>
    private string? Expression(Token token, TableBuilder table, string what)
    {
        var result = PortableExpression.Render(token.Value, table.HasColumn);
        if (result.Sql is null)
        {
            var shift = token.IsPlain ? 0 : 1;
            var location = token.Location with { Column = token.Location.Column + shift + result.Offset };
            Report(DiagnosticDescriptors.InvalidExpression, location, what, result.Problem!);
        }

        return result.Sql;
    }
}
