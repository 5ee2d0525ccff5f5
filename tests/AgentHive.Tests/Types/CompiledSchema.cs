using System;
using System.Data.Common;
using System.IO;
using System.Linq;
using System.Reflection;
using AgentHive.Tests.Generator;

namespace AgentHive.Tests.Types;

/// <summary>A schema's generated C#, compiled and loaded, so tests can use its entities as an app would.</summary>
internal sealed class CompiledSchema
{
    private readonly Assembly _assembly;

    public CompiledSchema(string schema)
    {
        var run = GeneratorHarness.Run(schema);
        if (run.GeneratorDiagnostics.Count > 0 || run.CompilationErrors.Count > 0)
        {
            throw new InvalidOperationException(string.Join("\n", run.GeneratorDiagnostics.Concat(run.CompilationErrors)));
        }

        using var image = new MemoryStream();
        var emitted = run.Output.Emit(image);
        if (!emitted.Success)
        {
            throw new InvalidOperationException(string.Join("\n", emitted.Diagnostics));
        }

        _assembly = Assembly.Load(image.ToArray());
    }

    /// <summary>The compiled generated code.</summary>
    public Assembly Assembly => _assembly;

    /// <summary>A new entity with the given properties set (the others keep their initializers).</summary>
    public Entity New(string typeName, params (string Property, object? Value)[] values)
    {
        var type = _assembly.GetType(typeName, throwOnError: true)!;
        var instance = Activator.CreateInstance(type)!;
        foreach (var (property, value) in values)
        {
            type.GetProperty(property)!.SetValue(instance, value);
        }

        return new Entity(type, instance);
    }

    public sealed record Entity(Type Type, object Instance)
    {
        public object? this[string property] => Type.GetProperty(property)!.GetValue(Instance);

        /// <summary>Runs the generated insert with the generated parameters; returns what it returns (the id).</summary>
        public long Insert(DbConnection connection, string backend)
        {
            using var command = connection.CreateCommand();
            command.CommandText = (string)Type.GetField(backend + "InsertSql")!.GetValue(null)!;
            Type.GetMethod("AddInsertParameters")!.Invoke(Instance, new object[] { command });
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
