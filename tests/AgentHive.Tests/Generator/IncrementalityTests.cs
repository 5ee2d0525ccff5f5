using System;
using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace AgentHive.Tests.Generator;

public class IncrementalityTests
{
    private static readonly string[] TrackedSteps =
    {
        SchemaGenerator.Steps.Source, SchemaGenerator.Steps.Schema, SchemaGenerator.Steps.Diagnostics,
        SchemaGenerator.Steps.Model, SchemaGenerator.Steps.HasFluentMigrator,
    };

    [Fact]
    public void Second_run_with_same_input_is_fully_cached()
    {
        var run = GeneratorHarness.Run(GoldenTests.SmallSchema);

        var second = run.Driver.RunGenerators(run.Input).GetRunResult().Results.Single();

        AssertAllCachedOrUnchanged(second);
    }

    [Fact]
    public void Editing_an_unrelated_cs_file_keeps_every_step_cached()
    {
        var run = GeneratorHarness.Run(GoldenTests.SmallSchema);
        var edited = run.Input.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace User { public static class Other { public static int Answer => 42; } }",
            new CSharpParseOptions(LanguageVersion.Latest), path: "Other.cs"));

        var second = run.Driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllCachedOrUnchanged(second);
    }

    [Fact]
    public void A_comment_that_moves_every_line_regenerates_no_code()
    {
        var run = GeneratorHarness.Run(GoldenTests.SmallSchema);

        var second = run.RerunWithSchema("# moved down one line\n" + GoldenTests.SmallSchema);

        Assert.All(second.TrackedSteps[SchemaGenerator.Steps.Source].SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Modified, o.Reason));
        Assert.All(second.TrackedSteps[SchemaGenerator.Steps.Model].SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Model was {o.Reason}"));
        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void A_real_schema_edit_regenerates()
    {
        var run = GeneratorHarness.Run(GoldenTests.SmallSchema);
        var changed = GoldenTests.SmallSchema.Replace("tag: text", "tag: text\n      weight: { type: integer, default: 0 }");

        var second = run.RerunWithSchema(changed);

        Assert.Contains(second.TrackedSteps[SchemaGenerator.Steps.Model].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("Weight", second.GeneratedSources.Single(s => s.HintName == "Shop.Entities.OrderTag.g.cs").SourceText.ToString());
    }

    [Fact]
    public void Pipeline_values_hold_no_Roslyn_objects()
    {
        var run = GeneratorHarness.Run(GoldenTests.SmallSchema);
        var result = run.Result.Results.Single();

        foreach (var step in TrackedSteps)
        {
            foreach (var output in result.TrackedSteps[step].SelectMany(s => s.Outputs))
            {
                AssertNoRoslynObjects(output.Value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    private static void AssertAllCachedOrUnchanged(GeneratorRunResult result)
    {
        foreach (var step in TrackedSteps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), $"step {step} was not tracked");
            foreach (var output in result.TrackedSteps[step].SelectMany(s => s.Outputs))
            {
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                    $"step {step} was {output.Reason}");
            }
        }

        foreach (var output in result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs))
        {
            Assert.Equal(IncrementalStepRunReason.Cached, output.Reason);
        }
    }

    private static void AssertNoRoslynObjects(object? value, string step, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }

        var type = value.GetType();
        Assert.False(value is Compilation or ISymbol or SyntaxNode or SyntaxTree or Location or Diagnostic or SemanticModel,
            $"step {step} holds a {type.Name}");
        Assert.False(type.Namespace?.StartsWith("YamlDotNet", StringComparison.Ordinal) == true, $"step {step} holds YAML object {type.Name}");
        if (value is System.Collections.IEnumerable items)
        {
            foreach (var item in items)
            {
                AssertNoRoslynObjects(item, step, seen);
            }

            return;
        }

        foreach (var property in type.GetProperties().Where(p => p.GetIndexParameters().Length == 0))
        {
            AssertNoRoslynObjects(property.GetValue(value), step, seen);
        }
    }
}
