using System.Reflection;

namespace AgentHive.Tests;

/// <summary>The Agent Hive app (src/Migrations): its compiled schema and migrations.</summary>
internal static class AgentHiveBuild
{
    public static Assembly Assembly { get; } = typeof(global::AgentHive.AgentHiveSchema).Assembly;
}
