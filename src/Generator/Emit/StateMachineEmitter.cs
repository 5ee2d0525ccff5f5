using System.Linq;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>The transitions a state machine allows, for callers to check before they write.</summary>
internal static class StateMachineEmitter
{
    public static string TypeName(TableModel table, StateMachineModel machine) =>
        table.EntityName + table.Columns.First(c => c.Name == machine.Column).PropertyName + "Transitions";

    public static string Emit(SchemaModel schema, TableModel table, StateMachineModel machine)
    {
        var ns = CSharpTypes.EntitiesNamespace(schema);
        var type = CSharpTypes.EnumType(schema, machine.EnumName);
        string Member(string value) => $"{type}.{Validation.Names.ToPascalCase(value)}";

        var w = new SourceWriter().Header(ns);
        w.Summary(machine.Description ?? $"The state machine of {table.Name}.{machine.Column}; the database enforces the same rules.");
        w.Open($"public static class {TypeName(table, machine)}");
        w.Line("/// <summary>True when a row may move from <paramref name=\"from\"/> to <paramref name=\"to\"/> (staying put is always allowed).</summary>");
        w.Open($"public static bool CanTransition({type} from, {type} to) => from == to || (from, to) switch");
        foreach (var transition in machine.Transitions)
        {
            w.Line($"({Member(transition.From)}, {Member(transition.To)}) => true,");
        }

        w.Line("_ => false,");
        w.Close(";");
        w.Line();
        w.Line("/// <summary>True when a row may be inserted in <paramref name=\"state\"/>.</summary>");
        w.Line($"public static bool IsInitial({type} state) => {string.Join(" || ", machine.Initial.Select(s => $"state == {Member(s)}"))};");
        w.Line();
        var withExits = machine.Transitions.Select(t => t.From).Distinct().ToList();
        w.Line("/// <summary>True when no transition leaves <paramref name=\"state\"/>.</summary>");
        w.Line(withExits.Count == 0
            ? $"public static bool IsTerminal({type} state) => true;"
            : $"public static bool IsTerminal({type} state) => !({string.Join(" || ", withExits.Select(s => $"state == {Member(s)}"))});");
        w.Close();
        return w.ToString();
    }
}
