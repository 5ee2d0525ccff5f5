using System.Linq;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>One record per table: typed properties plus what it takes to insert a row without reflection.</summary>
internal static class EntityEmitter
{
    public static string Emit(SchemaModel schema, TableModel table)
    {
        var ns = CSharpTypes.EntitiesNamespace(schema);
        var w = new SourceWriter().Header(ns);
        w.Summary(table.Description ?? $"A row of table '{table.Name}'.");
        w.Open($"public sealed partial record {table.EntityName}");
        w.Line($"/// <summary>The table this entity maps to.</summary>");
        w.Line($"public const string TableName = {SourceWriter.Literal(table.Name)};");
        w.Line();
        foreach (var dialect in new ISqlDialect[] { SqliteDialect.Instance, PostgresDialect.Instance })
        {
            var returning = table.PrimaryKey.IsIdentity ? " It returns the assigned id." : string.Empty;
            w.Line($"/// <summary>Inserts one row on {dialect.Name}, with a parameter per property.{returning}</summary>");
            w.Line($"public const string {dialect.Name}InsertSql = {SourceWriter.Verbatim(DdlBuilder.Insert(table, dialect))};");
            w.Line();
        }

        foreach (var column in table.Columns)
        {
            w.Summary(column.Description ?? $"Column {column.Name}.");
            var required = !column.Nullable && column.Default is null && column.Kind != ColumnKind.Id ? "required " : string.Empty;
            var initializer = CSharpTypes.Initializer(schema, column);
            var line = $"public {required}{CSharpTypes.PropertyType(schema, column)} {column.PropertyName} {{ get; init; }}";
            w.Line(initializer is null ? line : $"{line} = {initializer};");
            w.Line();
        }

        w.Line("/// <summary>Adds one parameter per inserted column to <paramref name=\"command\"/>, in database form.</summary>");
        w.Open("public void AddInsertParameters(global::System.Data.Common.DbCommand command)");
        foreach (var column in DdlBuilder.InsertColumns(table))
        {
            w.Line($"AddParameter(command, {SourceWriter.Literal("@" + column.Name)}, {CSharpTypes.ParameterValue(column)});");
        }

        w.Close();
        w.Line();
        w.Open("private static void AddParameter(global::System.Data.Common.DbCommand command, string name, object? value)");
        w.Line("var parameter = command.CreateParameter();");
        w.Line("parameter.ParameterName = name;");
        w.Line("parameter.Value = value ?? global::System.DBNull.Value;");
        w.Line("command.Parameters.Add(parameter);");
        w.Close();
        w.Close();
        return w.ToString();
    }
}
