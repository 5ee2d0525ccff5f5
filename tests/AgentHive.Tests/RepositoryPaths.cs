using System;
using System.IO;

namespace AgentHive.Tests;

/// <summary>
/// Finds files of the repository from the test binaries. CallerFilePath is no use here: deterministic
/// CI builds map source paths to "/_/".
/// </summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine(Root, Path.Combine(parts));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentHive.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No AgentHive.sln above {AppContext.BaseDirectory}");
    }
}
