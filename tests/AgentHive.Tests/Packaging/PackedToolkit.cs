using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Xunit;

namespace AgentHive.Tests.Packaging;

/// <summary>
/// The toolkit packed the way it ships (generator, runtime, template), under a version no earlier run used, so
/// restores take these packages and never a stale copy of the same version from the NuGet cache.
/// </summary>
public sealed class PackedToolkit : IDisposable
{
    public PackedToolkit()
    {
        Version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "." + Environment.ProcessId;
        Root = Directory.CreateTempSubdirectory("agenthive-packages-").FullName;
        Feed = Directory.CreateDirectory(Path.Combine(Root, "feed")).FullName;
        foreach (var project in new[] { "src/Generator/AgentHive.Generator.csproj", "src/Runtime/AgentHive.Runtime.csproj", "src/Templates/AgentHive.Schema.Templates.csproj" })
        {
            // Release keeps the packing build away from the Debug outputs the other tests run.
            var (code, output) = DotnetCli.Run(RepositoryPaths.Root, null, "pack", project, "-c", "Release", "-o", Feed, $"-p:Version={Version}", "-nologo");
            Assert.True(code == 0, $"dotnet pack {project} failed:\n{output}");
        }

        NuGetConfig = Path.Combine(Root, "nuget.config");
        File.WriteAllText(NuGetConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="agenthive-local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
    }

    public string Version { get; }

    public string Root { get; }

    public string Feed { get; }

    public string NuGetConfig { get; }

    public string Package(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    /// <summary>Copies <paramref name="relativeDirectory"/> of the repository into a fresh folder.</summary>
    public string CopyFromRepository(string relativeDirectory, string name)
    {
        var target = Path.Combine(Root, name);
        CopyDirectory(RepositoryPaths.Combine(relativeDirectory), target);
        return target;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }

        // The restores extracted this run's unique version into the NuGet cache; it is of no use to anyone later.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "agenthive.schema.generator", "agenthive.schema.runtime" })
        {
            var extracted = Path.Combine(cache, id, Version);
            if (Directory.Exists(extracted))
            {
                Directory.Delete(extracted, recursive: true);
            }
        }
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(source))
        {
            var name = Path.GetFileName(directory);
            if (name is not ("bin" or "obj"))
            {
                CopyDirectory(directory, Path.Combine(target, name));
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PackedToolkitCollection : ICollectionFixture<PackedToolkit>, ICollectionFixture<Database.PostgresServer>
{
    public const string Name = "Packed toolkit";
}
