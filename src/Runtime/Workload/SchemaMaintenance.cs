using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Threading;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Data;

namespace AgentHive.Runtime.Workload;

/// <summary>A kind of maintenance a schema's workload declarations ask for.</summary>
public enum MaintenanceJob
{
    /// <summary>Give back queue rows whose lease ran out (redelivery of what a dead consumer held).</summary>
    Leases,

    /// <summary>Delete rows past their declared retention.</summary>
    Retention,

    /// <summary>Prune memories by importance and use.</summary>
    Memory,

    /// <summary>
    /// Refresh stale planner statistics (<see cref="Maintenance.PlannerStatistics.Optimize"/>), so plans stay on
    /// the indexes the declared queries expect. Every schema has it, declarations or not.
    /// </summary>
    Statistics,
}

/// <summary>What one job did to one table.</summary>
/// <param name="Job">The job.</param>
/// <param name="Table">The table.</param>
/// <param name="Result">Rows, batches and the longest batch.</param>
public sealed record MaintenanceReport(MaintenanceJob Job, string Table, MaintenanceResult Result);

/// <summary>Runs maintenance jobs over every table that declares them, on the configured database.</summary>
public sealed class SchemaMaintenance
{
    private readonly DatabaseOptions _options;

    /// <summary>Maintenance of <paramref name="catalog"/>'s tables in the database <paramref name="options"/> name.</summary>
    public SchemaMaintenance(DatabaseOptions options, WorkloadCatalog catalog, int batchSize = WorkloadMaintenance.DefaultBatchSize)
    {
        _options = options;
        Catalog = catalog;
        BatchSize = batchSize;
    }

    /// <summary>The declarations maintained.</summary>
    public WorkloadCatalog Catalog { get; }

    /// <summary>Rows per batch (per transaction).</summary>
    public int BatchSize { get; }

    /// <summary>Runs <paramref name="job"/> over every table that declares it, on a connection of its own.</summary>
    public IReadOnlyList<MaintenanceReport> Run(MaintenanceJob job, CancellationToken cancellationToken = default)
    {
        var reports = new List<MaintenanceReport>();
        using var connection = Open(_options);
        switch (job)
        {
            case MaintenanceJob.Leases:
                foreach (var queue in Catalog.Queues)
                {
                    reports.Add(new(job, queue.Table, WorkloadMaintenance.ReleaseExpired(connection, queue, BatchSize, cancellationToken: cancellationToken)));
                }

                break;
            case MaintenanceJob.Retention:
                foreach (var retention in Catalog.Retention)
                {
                    reports.Add(new(job, retention.Table, WorkloadMaintenance.Prune(connection, retention, BatchSize, cancellationToken: cancellationToken)));
                }

                break;
            case MaintenanceJob.Memory:
                foreach (var memory in Catalog.Memory)
                {
                    reports.Add(new(job, memory.Table, WorkloadMaintenance.PruneMemory(connection, memory, BatchSize, cancellationToken)));
                }

                break;
            case MaintenanceJob.Statistics:
                var started = System.Diagnostics.Stopwatch.StartNew();
                Maintenance.PlannerStatistics.Optimize(connection, _options.ParsedProvider);
                reports.Add(new(job, "*", new MaintenanceResult(0, 1, started.Elapsed)));
                break;
        }

        return reports;
    }

    /// <summary>An open connection to the configured database, set up as the runtime sets up every connection.</summary>
    public static DbConnection Open(DatabaseOptions options)
    {
        options.Validate();
        return SchemaDatabase.OpenConnection(options);
    }
}
