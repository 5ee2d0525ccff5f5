using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Writing;
using Microsoft.Extensions.DependencyInjection;

namespace AgentHive.Runtime.Hosting;

/// <summary>Registers the in-process SQLite group-commit writer.</summary>
public static class SqliteWriterServiceCollectionExtensions
{
    /// <summary>
    /// Adds one <see cref="SqliteGroupCommitWriter"/> for the database that <see cref="DatabaseOptions"/> names
    /// (register those first, e.g. with <c>AddAgentHiveDatabase</c>), batching per <c>AgentHive:Database:SqliteWriter</c>.
    /// The container disposes it at shutdown, which commits the units already handed in.
    /// </summary>
    public static IServiceCollection AddAgentHiveSqliteWriter(this IServiceCollection services)
    {
        services.AddSingleton(provider => new SqliteGroupCommitWriter(provider.GetRequiredService<DatabaseOptions>()));
        return services;
    }
}
