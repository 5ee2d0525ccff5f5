using System;
using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Model;
using AgentHive.Generator.Parsing;

namespace AgentHive.Generator.Validation;

// State machines: initial, transition and terminal states of an enum column.
public sealed partial class SchemaValidator
{
    private void BuildStateMachines(TableBuilder table, Dictionary<string, EnumInfo> enums)
    {
        foreach (var syntax in table.Syntax.StateMachines)
        {
            var qualified = $"{table.Name}.{syntax.Column.Value}";
            if (table.Column(syntax.Column.Value) is not { } column)
            {
                Report(DiagnosticDescriptors.MissingColumn, syntax.Column.Location, "A state machine", syntax.Column.Value, table.Name);
                continue;
            }

            if (column.Model.Kind != ColumnKind.Enum || column.Model.Nullable)
            {
                Report(DiagnosticDescriptors.InvalidStateMachineColumn, syntax.Column.Location, qualified,
                    "of an enum type and not nullable (the states are the enum's values)");
                continue;
            }

            var enumInfo = enums[column.Model.EnumName!];
            var valid = true;
            bool Known(Token state)
            {
                if (enumInfo.Values.Contains(state.Value))
                {
                    return true;
                }

                Report(DiagnosticDescriptors.UndeclaredState, state.Location, state.Value, enumInfo.Model.Name, qualified);
                valid = false;
                return false;
            }

            var initial = (syntax.Initial ?? new List<Token>()).Where(Known).Select(t => t.Value).Distinct().ToList();
            if (syntax.Initial is { Count: 0 })
            {
                Report(DiagnosticDescriptors.InvalidValue, syntax.Column.Location, "[]", $"'initial' of the state machine of '{qualified}'", "at least one state");
                continue;
            }

            var transitions = new List<TransitionModel>();
            foreach (var (from, targets) in syntax.Transitions)
            {
                if (!Known(from))
                {
                    continue;
                }

                foreach (var to in targets.Where(Known))
                {
                    if (to.Value != from.Value && !transitions.Contains(new TransitionModel(from.Value, to.Value)))
                    {
                        transitions.Add(new TransitionModel(from.Value, to.Value));
                    }
                }
            }

            foreach (var terminal in (syntax.Terminal ?? new List<Token>()).Where(Known))
            {
                var outgoing = transitions.Where(t => t.From == terminal.Value).Select(t => $"'{t.To}'").ToList();
                if (outgoing.Count > 0)
                {
                    Report(DiagnosticDescriptors.TerminalStateWithTransitions, terminal.Location, terminal.Value, string.Join(", ", outgoing));
                    valid = false;
                }
            }

            if (!valid || syntax.Initial is null)
            {
                continue;
            }

            if (column.Model.Default is { Kind: DefaultKind.EnumValue, Value: var defaultState } && !initial.Contains(defaultState))
            {
                Report(DiagnosticDescriptors.DefaultNotInitialState, column.Syntax.Default!.Location, defaultState, qualified,
                    string.Join(", ", initial.Select(s => $"'{s}'")));
                continue;
            }

            var reached = new HashSet<string>(initial, StringComparer.Ordinal);
            var queue = new Queue<string>(initial);
            while (queue.Count > 0)
            {
                var state = queue.Dequeue();
                foreach (var next in transitions.Where(t => t.From == state && reached.Add(t.To)))
                {
                    queue.Enqueue(next.To);
                }
            }

            var unreachable = enumInfo.Model.Values.Select(v => v.Value).Where(v => !reached.Contains(v)).Select(v => $"'{v}'").ToList();
            if (unreachable.Count > 0)
            {
                var list = string.Join(", ", unreachable);
                Report(DiagnosticDescriptors.UnreachableState, syntax.Column.Location, qualified, list, unreachable.Count == 1 ? "it" : "them");
            }

            table.StateMachines.Add(new StateMachineModel(
                column.Model.Name, enumInfo.Model.Name, enumInfo.Model.Values.Select(v => v.Value).ToEquatableArray(), initial.ToEquatableArray(), transitions.ToEquatableArray(), syntax.Description?.Value));
        }
    }
}
