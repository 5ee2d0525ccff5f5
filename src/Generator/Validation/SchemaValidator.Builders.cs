using System;
using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Model;
using AgentHive.Generator.Parsing;

namespace AgentHive.Generator.Validation;

// The mutable state a table is built in before it becomes a plain TableModel.
public sealed partial class SchemaValidator
{
    private sealed class ColumnBuilder
    {
        public ColumnBuilder(ColumnSyntax syntax, ColumnModel model, bool isPrimaryKey, bool isUnique)
        {
            Syntax = syntax;
            Model = model;
            IsPrimaryKey = isPrimaryKey;
            IsUnique = isUnique;
        }

        public ColumnSyntax Syntax { get; }
        public ColumnModel Model { get; set; }
        public bool IsPrimaryKey { get; }
        public bool IsUnique { get; }
        public RangeRule? Range { get; set; }
        public string? Shape { get; set; }
        public List<string>? RequiredKeys { get; set; }
    }

    private sealed class TableBuilder
    {
        public TableBuilder(TableSyntax syntax, string entityName)
        {
            Syntax = syntax;
            EntityName = entityName;
        }

        public TableSyntax Syntax { get; }
        public string Name => Syntax.Name.Value;
        public string EntityName { get; }
        public List<ColumnBuilder> Columns { get; } = new();
        public PrimaryKeyModel? PrimaryKey { get; set; }
        public List<(UniqueModel Model, LocationInfo Location)> Uniques { get; } = new();
        public List<ForeignKeyModel> ForeignKeys { get; } = new();
        public List<CheckModel> Checks { get; } = new();
        public List<(IndexModel Model, LocationInfo Location)> Indexes { get; } = new();
        public List<StateMachineModel> StateMachines { get; } = new();
        public Dictionary<string, LocationInfo> ForeignKeyLocations { get; } = new(StringComparer.Ordinal);
        public string? RenamedFrom { get; set; }
        public QueueModel? Queue { get; set; }
        public RetentionModel? Retention { get; set; }
        public MemoryModel? Memory { get; set; }

        public bool HasColumn(string name) => Column(name) is not null;

        public ColumnBuilder? Column(string name) => Columns.FirstOrDefault(c => c.Model.Name == name);

        public TableModel ToModel() => new(
            Name,
            EntityName,
            Syntax.Description?.Value,
            Columns.Select(c => c.Model).ToEquatableArray(),
            PrimaryKey!,
            Uniques.Select(u => u.Model).ToEquatableArray(),
            ForeignKeys.ToEquatableArray(),
            Checks.ToEquatableArray(),
            Indexes.Select(i => i.Model).ToEquatableArray(),
            StateMachines.ToEquatableArray(),
            RenamedFrom,
            Queue,
            Retention,
            Memory);
    }
}
