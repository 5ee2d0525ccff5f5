using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Deployment;
using AgentHive.Runtime.Migrations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AgentHive.Runtime.Hosting;

/// <summary>Reports the schema version and whether the database drifted from it.</summary>
public sealed class SchemaHealthCheck : IHealthCheck
{
    private readonly SchemaMigrator _migrator;
    private readonly TimeSpan _cacheDuration;
    private readonly object _gate = new();
    private (DateTimeOffset At, VerifyReport Report, IReadOnlyList<long> Pending)? _last;

    /// <summary>Created by dependency injection.</summary>
    public SchemaHealthCheck(SchemaMigrator migrator, IOptions<SchemaStartupOptions> options)
    {
        _migrator = migrator;
        _cacheDuration = options.Value.HealthCheckCacheDuration;
    }

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var (_, report, pending) = Current();
            var data = new Dictionary<string, object>
            {
                ["version"] = report.AppliedVersion,
                ["pending"] = pending.ToArray(),
                ["drift"] = !report.Clean,
                ["problems"] = report.Problems.ToArray(),
            };
            if (!report.Clean)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy(
                    $"Schema version {report.AppliedVersion} drifted: {string.Join("; ", report.Problems)}", data: data));
            }

            return Task.FromResult(pending.Count > 0
                ? HealthCheckResult.Degraded($"Schema version {report.AppliedVersion}; pending: {string.Join(", ", pending)}", data: data)
                : HealthCheckResult.Healthy($"Schema version {report.AppliedVersion}, no drift", data));
        }
        catch (Exception ex)
        {
            // The driver's exception stays out of the result: its message may quote the connection string.
            var failure = DeploymentException.From(ex, _migrator.Options);
            return Task.FromResult(HealthCheckResult.Unhealthy($"Could not check the schema of {_migrator.Target}: {failure.Message}"));
        }
    }

    private (DateTimeOffset, VerifyReport, IReadOnlyList<long>) Current()
    {
        lock (_gate)
        {
            var now = DateTimeOffset.UtcNow;
            if (_last is not { } last || now - last.At > _cacheDuration)
            {
                var pending = _migrator.Status().Where(s => !s.Applied).Select(s => s.Version).ToList();
                _last = (now, _migrator.Verify(), pending);
            }

            return _last.Value;
        }
    }
}
