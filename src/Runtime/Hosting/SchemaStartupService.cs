using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Deployment;
using AgentHive.Runtime.Migrations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentHive.Runtime.Hosting;

/// <summary>Migrates or verifies the schema before the rest of the service starts.</summary>
public sealed class SchemaStartupService : IHostedService
{
    private readonly SchemaMigrator _migrator;
    private readonly SchemaStartupOptions _options;
    private readonly ILogger<SchemaStartupService> _logger;

    /// <summary>Created by dependency injection.</summary>
    public SchemaStartupService(SchemaMigrator migrator, IOptions<SchemaStartupOptions> options, ILogger<SchemaStartupService> logger)
    {
        _migrator = migrator;
        _options = options.Value;
        _logger = logger;
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Mode == SchemaStartupMode.None)
        {
            return Task.CompletedTask;
        }

        if (_options.Mode == SchemaStartupMode.Migrate)
        {
            _migrator.Waiting ??= message => _logger.LogWarning("{Message}", message);
            _migrator.Progress ??= message => _logger.LogInformation("{Message}", message);
            foreach (var step in Explained(() => _migrator.Up()))
            {
                _logger.LogInformation("Applied schema version {Version} ({Description}) in {Elapsed} ms on {Target}",
                    step.Version, step.Description, (long)step.Elapsed.TotalMilliseconds, _migrator.Target);
            }
        }
        else
        {
            var pending = Explained(_migrator.Status).Where(s => !s.Applied).Select(s => s.Version).ToList();
            if (pending.Count > 0)
            {
                throw new InvalidOperationException(
                    $"The database ({_migrator.Target}) lacks schema versions {string.Join(", ", pending)} this service needs. Run the deploy tool's 'up' first.");
            }
        }

        var report = Explained(() => _migrator.Verify());
        if (!report.Clean)
        {
            throw new InvalidOperationException(
                $"The database ({_migrator.Target}) differs from schema version {report.AppliedVersion}; refusing to start:\n  - " +
                string.Join("\n  - ", report.Problems));
        }

        _logger.LogInformation("Schema version {Version} verified on {Target}", report.AppliedVersion, _migrator.Target);
        return Task.CompletedTask;
    }

    // Driver exceptions become one sentence without secrets (they may quote the connection string).
    private T Explained<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex)
        {
            throw DeploymentException.From(ex, _migrator.Options);
        }
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
