using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace AgentHive.Runtime.CommandLine;

/// <summary>
/// What the generator compiled into an app about its schema: the name, description and version, and where
/// the schema file and its history folder live relative to the project (the generated schema class's constants).
/// </summary>
/// <param name="Assembly">The app's assembly.</param>
/// <param name="Name">The schema's <c>schema:</c> name.</param>
/// <param name="Description">The schema's description.</param>
/// <param name="Version">The version the schema file declares.</param>
/// <param name="SchemaFile">The schema file, relative to the project directory.</param>
/// <param name="HistoryFolder">The history folder, relative to the project directory.</param>
public sealed record SchemaProject(Assembly Assembly, string Name, string Description, long Version, string SchemaFile, string HistoryFolder)
{
    /// <summary>Reads the generated schema class of <paramref name="assembly"/>.</summary>
    /// <exception cref="InvalidOperationException">The assembly holds no schema compiled by AgentHive.Generator.</exception>
    public static SchemaProject From(Assembly assembly)
    {
        var type = assembly.GetTypes().FirstOrDefault(t => t.IsAbstract && t.IsSealed && t.IsPublic
            && t.GetField("SchemaFile") is not null && t.GetField("HistoryFolder") is not null && t.GetField("Version") is not null)
            ?? throw new InvalidOperationException(
                $"{assembly.GetName().Name} holds no schema compiled by AgentHive.Generator. Reference the AgentHive.Schema.Generator package " +
                "and keep schema.yaml in the project directory (or set AgentHiveSchemaFile), then build again.");
        return new SchemaProject(assembly, Constant<string>(type, "Name"), Constant<string>(type, "Description"), Constant<long>(type, "Version"),
            Constant<string>(type, "SchemaFile"), Constant<string>(type, "HistoryFolder"));
    }

    /// <summary>One line for help texts: what the command line does, for this schema.</summary>
    public string Purpose =>
        $"Creates, upgrades and checks the '{Name}' database{(Description.Length == 0 ? string.Empty : $" ({Description.TrimEnd('.')})")} from the schema compiled into this app.";

    /// <summary>
    /// The project directory: the nearest folder, above the app's binaries or at or above the current
    /// directory, that holds a project file and the schema file at its relative path. Null when none does.
    /// </summary>
    public string? FindProjectDirectory()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (directory.EnumerateFiles("*.csproj").Any() && File.Exists(Path.Combine(directory.FullName, SchemaFile)))
                {
                    return directory.FullName;
                }
            }
        }

        return null;
    }

    private static T Constant<T>(Type type, string name) =>
        type.GetField(name, BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is T value
            ? value
            : throw new InvalidOperationException($"{type.FullName}.{name} is missing; rebuild with this version of AgentHive.Schema.Generator.");
}
