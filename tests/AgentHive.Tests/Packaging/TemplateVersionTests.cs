using System.IO;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace AgentHive.Tests.Packaging;

public sealed class TemplateVersionTests
{
    [Fact]
    public void Template_references_the_package_version_this_repository_builds()
    {
        var props = File.ReadAllText(RepositoryPaths.Combine("Directory.Build.props"));
        var version = Regex.Match(props, "<Version>([^<]+)</Version>").Groups[1].Value;
        using var template = JsonDocument.Parse(File.ReadAllText(
            RepositoryPaths.Combine("src", "Templates", "content", "agenthive-app", ".template.config", "template.json")));

        var defaultVersion = template.RootElement.GetProperty("symbols").GetProperty("agenthiveVersion").GetProperty("defaultValue").GetString();
        var sampleVersion = Regex.Match(File.ReadAllText(RepositoryPaths.Combine("samples", "Directory.Build.props")), "<AgentHiveVersion[^>]*>([^<]+)<").Groups[1].Value;

        Assert.False(string.IsNullOrEmpty(version));
        Assert.Equal(version, defaultVersion);
        Assert.Equal(version, sampleVersion);
    }
}
