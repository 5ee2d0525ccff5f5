using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Model;
using AgentHive.Generator.Parsing;
using AgentHive.Generator.Validation;

namespace AgentHive.Generator;

/// <summary>The text of one schema.yaml as it entered the pipeline.</summary>
public sealed record SchemaSource(string Path, string Text);

/// <summary>What the schema stage produced: a model when the schema is valid, and every diagnostic.</summary>
public sealed record SchemaResult(SchemaModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>Parse then validate; kept apart from Roslyn so tests and tools can run it directly.</summary>
public static class SchemaPipeline
{
    public static SchemaResult Run(ImmutableArray<SchemaSource> sources)
    {
        var diagnostics = new List<DiagnosticInfo>();
        if (sources.Length == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoSchemaFile, new LocationInfo(string.Empty, 1, 1)));
            return new SchemaResult(null, diagnostics.ToEquatableArray());
        }

        if (sources.Length > 1)
        {
            var paths = string.Join(", ", sources.Select(s => s.Path).OrderBy(p => p, System.StringComparer.Ordinal));
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MultipleSchemaFiles, new LocationInfo(sources[1].Path, 1, 1), paths));
            return new SchemaResult(null, diagnostics.ToEquatableArray());
        }

        return Run(sources[0]);
    }

    public static SchemaResult Run(SchemaSource source)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var syntax = SchemaReader.Read(source.Path, source.Text, diagnostics);
        var model = syntax is null ? null : SchemaValidator.Validate(syntax, diagnostics);
        return new SchemaResult(model, diagnostics.ToEquatableArray());
    }
}
