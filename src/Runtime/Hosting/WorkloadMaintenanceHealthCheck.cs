using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Workload;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AgentHive.Runtime.Hosting;

/// <summary>
/// Reports the maintenance jobs: unhealthy when the last run of one failed, degraded when one has not
/// succeeded for three of its intervals (or not yet), healthy otherwise.
/// </summary>
public sealed class WorkloadMaintenanceHealthCheck : IHealthCheck
{
    private readonly WorkloadMaintenanceStatus _status;
    private readonly WorkloadMaintenanceOptions _options;
    private readonly WorkloadCatalog _catalog;

    /// <summary>Created by dependency injection.</summary>
    public WorkloadMaintenanceHealthCheck(WorkloadMaintenanceStatus status, IOptions<WorkloadMaintenanceOptions> options, WorkloadCatalog catalog)
    {
        _status = status;
        _options = options.Value;
        _catalog = catalog;
    }

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>();
        var failed = new List<string>();
        var late = new List<string>();
        foreach (var job in Jobs())
        {
            if (!_status.Runs.TryGetValue(job, out var run))
            {
                late.Add($"{job} has not run yet");
                continue;
            }

            data[job.ToString()] = new { run.At, run.Rows, run.Error, run.LastSuccess };
            if (run.Error is not null)
            {
                failed.Add($"{job}: {run.Error}");
            }
            else if (DateTimeOffset.UtcNow - run.LastSuccess > _options.Every(job) * 3)
            {
                late.Add($"{job} last succeeded at {run.LastSuccess:u}");
            }
        }

        return Task.FromResult(
            !_options.Enabled ? HealthCheckResult.Healthy("Workload maintenance is disabled", data)
            : failed.Count > 0 ? HealthCheckResult.Unhealthy(string.Join("; ", failed), data: data)
            : late.Count > 0 ? HealthCheckResult.Degraded(string.Join("; ", late), data: data)
            : HealthCheckResult.Healthy("Workload maintenance is up to date", data));
    }

    private IEnumerable<MaintenanceJob> Jobs()
    {
        if (_catalog.Queues.Count > 0)
        {
            yield return MaintenanceJob.Leases;
        }

        if (_catalog.Retention.Count > 0)
        {
            yield return MaintenanceJob.Retention;
        }

        if (_catalog.Memory.Count > 0)
        {
            yield return MaintenanceJob.Memory;
        }

        yield return MaintenanceJob.Statistics;
    }
}
