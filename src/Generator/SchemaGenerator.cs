using AgentHive.Generator.Emit;
using AgentHive.Generator.Model;
using Microsoft.CodeAnalysis;

namespace AgentHive.Generator;

/// <summary>Turns schema.yaml (an AdditionalFiles item) into entities, enums, DDL and migrations.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class SchemaGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for incrementality tests.</summary>
    public static class Steps
    {
        public const string Source = nameof(Source);
        public const string Schema = nameof(Schema);
        public const string Diagnostics = nameof(Diagnostics);
        public const string Model = nameof(Model);
        public const string HasFluentMigrator = nameof(HasFluentMigrator);
        public const string HasRuntime = nameof(HasRuntime);
        public const string ProjectPaths = nameof(ProjectPaths);
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var sources = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, _) => (File: pair.Left, Role: ProjectOptions.Role(pair.Right.GetOptions(pair.Left))))
            .Where(static input => HistoryPipeline.IsInput(input.File.Path, input.Role))
            .Select(static (input, ct) => new SchemaSource(input.File.Path, input.File.GetText(ct)?.ToString() ?? string.Empty, input.Role))
            .WithTrackingName(Steps.Source);

        var paths = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => ProjectOptions.Paths(options.GlobalOptions))
            .WithTrackingName(Steps.ProjectPaths);

        var schema = sources.Collect()
            .Select(static (all, _) => HistoryPipeline.Run(all))
            .WithTrackingName(Steps.Schema);

        // Diagnostics and the model travel separately: a moved line changes positions, not generated code.
        var diagnostics = schema.Select(static (result, _) => result.Diagnostics).WithTrackingName(Steps.Diagnostics);
        var model = schema.Select(static (result, _) => result.Model).WithTrackingName(Steps.Model);

        var hasFluentMigrator = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName("FluentMigrator.Migration") is not null)
            .WithTrackingName(Steps.HasFluentMigrator);

        // Data access builds on AgentHive.Runtime.Data; a project without the runtime gets entities and DDL only.
        var hasRuntime = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName("AgentHive.Runtime.Data.SchemaDatabase") is not null)
            .WithTrackingName(Steps.HasRuntime);

        context.RegisterSourceOutput(diagnostics, static (spc, list) =>
        {
            foreach (var diagnostic in list)
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        context.RegisterSourceOutput(model.Combine(hasFluentMigrator), static (spc, input) => Emit(spc, input.Left, input.Right));
        context.RegisterSourceOutput(model.Combine(paths), static (spc, input) => EmitProject(spc, input.Left, input.Right));
        context.RegisterSourceOutput(model.Combine(hasRuntime), static (spc, input) => EmitDataAccess(spc, input.Left, input.Right));
    }

    private static void EmitDataAccess(SourceProductionContext context, HistoryModel? history, bool hasRuntime)
    {
        if (history is null || !hasRuntime)
        {
            return;
        }

        var schema = history.Current;
        var (firstSlots, count) = DatabaseEmitter.Slots(schema);
        for (var i = 0; i < schema.Tables.Count; i++)
        {
            var table = schema.Tables[i];
            context.AddSource($"{TableAccessEmitter.Namespace(schema)}.{TableAccessEmitter.ClassName(table)}.g.cs", TableAccessEmitter.Emit(schema, table, firstSlots[i]));
        }

        context.AddSource($"{schema.Namespace}.{DatabaseEmitter.ClassName(schema)}.g.cs", DatabaseEmitter.Emit(schema, count));
        if (QueryEmitter.EmitResults(schema) is { } results)
        {
            context.AddSource($"{schema.Namespace}.{DatabaseEmitter.ClassName(schema)}.QueryResults.g.cs", results);
        }
    }

    private static void EmitProject(SourceProductionContext context, HistoryModel? history, ProjectPaths paths)
    {
        if (history is not null)
        {
            var schema = history.Current;
            context.AddSource($"{schema.Namespace}.{schema.TypeName}.Project.g.cs", ProjectEmitter.Emit(schema, paths));
        }
    }

    private static void Emit(SourceProductionContext context, HistoryModel? history, bool hasFluentMigrator)
    {
        if (history is null)
        {
            return;
        }

        var schema = history.Current;
        var entities = CSharpTypes.EntitiesNamespace(schema);
        foreach (var enumModel in schema.Enums)
        {
            context.AddSource($"{entities}.{enumModel.TypeName}.g.cs", EnumEmitter.Emit(schema, enumModel));
        }

        foreach (var table in schema.Tables)
        {
            context.AddSource($"{entities}.{table.EntityName}.g.cs", EntityEmitter.Emit(schema, table));
            foreach (var machine in table.StateMachines)
            {
                context.AddSource($"{entities}.{StateMachineEmitter.TypeName(table, machine)}.g.cs", StateMachineEmitter.Emit(schema, table, machine));
            }
        }

        context.AddSource($"{schema.Namespace}.{schema.TypeName}.g.cs", SchemaEmitter.Emit(schema));
        context.AddSource($"{schema.Namespace}.{schema.TypeName}.Documentation.g.cs", DocumentationEmitter.Emit(schema));
        if (hasFluentMigrator)
        {
            foreach (var plan in history.Versions)
            {
                context.AddSource($"{schema.Namespace}.Migrations.{MigrationEmitter.ClassName(plan.Version)}.g.cs", MigrationEmitter.Emit(schema, plan));
            }
        }
    }
}
