using System;
using System.IO;
using Xunit;

namespace AgentHive.Tests.Generator;

/// <summary>
/// Compares text with a golden file beside the tests. Set AGENTHIVE_UPDATE_GOLDEN=1 to rewrite the
/// files on purpose, then review the diff before committing.
/// </summary>
internal static class Golden
{
    public const string UpdateVariable = "AGENTHIVE_UPDATE_GOLDEN";

    public static void Match(string name, string actual)
    {
        var path = RepositoryPaths.Combine("tests", "AgentHive.Tests", "Generator", "Golden", name);
        actual = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"Golden file {path} is missing. Run the tests with {UpdateVariable}=1 to create it, then review it.");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n");
        Assert.True(expected == actual, $"{name} differs from its golden file {path}. If the change is intended, " +
            $"rerun with {UpdateVariable}=1 and review the diff.\n--- expected\n{expected}\n--- actual\n{actual}");
    }
}
