using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Deployment;
using AgentHive.Runtime.Workload;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentHive.Runtime.Hosting;

/// <summary>The last run of each maintenance job, for the health check.</summary>
public sealed class WorkloadMaintenanceStatus
{
    private readonly ConcurrentDictionary<MaintenanceJob, JobRun> _runs = new();

    /// <summary>One job's last run: when, how many rows, and the failure if it failed.</summary>
    /// <param name="At">When it finished.</param>
    /// <param name="Rows">Rows it changed or deleted.</param>
    /// <param name="Error">Why it failed (scrubbed of secrets); null when it succeeded.</param>
    /// <param name="LastSuccess">When it last succeeded, if ever.</param>
    public sealed record JobRun(DateTimeOffset At, long Rows, string? Error, DateTimeOffset? LastSuccess);

    /// <summary>Last runs by job.</summary>
    public IReadOnlyDictionary<MaintenanceJob, JobRun> Runs => _runs;

    internal void Succeeded(MaintenanceJob job, long rows) =>
        _runs[job] = new JobRun(DateTimeOffset.UtcNow, rows, null, DateTimeOffset.UtcNow);

    internal void Failed(MaintenanceJob job, string error) =>
        _runs.AddOrUpdate(job, _ => new JobRun(DateTimeOffset.UtcNow, 0, error, null), (_, last) => last with { At = DateTimeOffset.UtcNow, Rows = 0, Error = error });
}

/// <summary>
/// Runs lease expiry, retention, memory pruning and the planner-statistics refresh on the schedule of <see cref="WorkloadMaintenanceOptions"/>,
/// logging what each run did; a failed run is logged and retried at the next interval.
/// </summary>
public sealed class WorkloadMaintenanceService : BackgroundService
{
    private readonly DatabaseOptions _database;
    private readonly WorkloadCatalog _catalog;
    private readonly WorkloadMaintenanceOptions _options;
    private readonly WorkloadMaintenanceStatus _status;
    private readonly ILogger<WorkloadMaintenanceService> _logger;

    /// <summary>Created by dependency injection.</summary>
    public WorkloadMaintenanceService(DatabaseOptions database, WorkloadCatalog catalog, IOptions<WorkloadMaintenanceOptions> options,
        WorkloadMaintenanceStatus status, ILogger<WorkloadMaintenanceService> logger)
    {
        _database = database;
        _catalog = catalog;
        _options = options.Value;
        _status = status;
        _logger = logger;
    }

    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            _logger.LogInformation("Workload maintenance is disabled ({Section}:Enabled = false).", WorkloadMaintenanceOptions.SectionName);
            return Task.CompletedTask;
        }

        var jobs = Enum.GetValues<MaintenanceJob>().Where(HasWork).ToList();
        // Each job on its own loop and thread: a long retention run never delays lease expiry. The drivers'
        // calls are synchronous on SQLite, so the loops run on dedicated threads, not the thread pool.
        return Task.WhenAll(jobs.Select(job => Task.Factory.StartNew(() => Loop(job, stoppingToken), stoppingToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default)));
    }

    private bool HasWork(MaintenanceJob job) => job switch
    {
        MaintenanceJob.Leases => _catalog.Queues.Count > 0,
        MaintenanceJob.Retention => _catalog.Retention.Count > 0,
        MaintenanceJob.Statistics => true,
        _ => _catalog.Memory.Count > 0,
    };

    private void Loop(MaintenanceJob job, CancellationToken stoppingToken)
    {
        var maintenance = new SchemaMaintenance(_database, _catalog, _options.BatchSize);
        while (!stoppingToken.IsCancellationRequested)
        {
            RunOnce(maintenance, job, stoppingToken);
            stoppingToken.WaitHandle.WaitOne(_options.Every(job));
        }
    }

    private void RunOnce(SchemaMaintenance maintenance, MaintenanceJob job, CancellationToken stoppingToken)
    {
        try
        {
            var reports = maintenance.Run(job, stoppingToken);
            var rows = reports.Sum(r => r.Result.Rows);
            _status.Succeeded(job, rows);
            foreach (var report in reports.Where(r => r.Result.Rows > 0))
            {
                _logger.LogInformation("Maintenance {Job} on {Table}: {Rows} rows in {Batches} batches (longest {LongestMs:F0} ms).",
                    job, report.Table, report.Result.Rows, report.Result.Batches, report.Result.LongestBatch.TotalMilliseconds);
            }

            foreach (var report in reports.Where(r => r.Result.PartitionsCreated + r.Result.PartitionsDropped + r.Result.PartitionsPostponed > 0))
            {
                _logger.LogInformation("Maintenance {Job} on {Table}: {Created} partitions created, {Dropped} dropped, {Postponed} postponed to the next run.",
                    job, report.Table, report.Result.PartitionsCreated, report.Result.PartitionsDropped, report.Result.PartitionsPostponed);
            }
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // The driver's message may quote the connection string: log the scrubbed sentence only.
            var failure = DeploymentException.From(ex, _database);
            _status.Failed(job, failure.Message);
            _logger.LogError("Maintenance {Job} failed: {Message}", job, failure.Message);
        }
    }
}
