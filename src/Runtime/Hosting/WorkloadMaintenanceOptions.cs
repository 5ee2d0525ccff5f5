using System;
using AgentHive.Runtime.Workload;

namespace AgentHive.Runtime.Hosting;

/// <summary>Schedule of the workload maintenance service, bound from <c>AgentHive:Maintenance</c>.</summary>
public sealed class WorkloadMaintenanceOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AgentHive:Maintenance";

    /// <summary>Whether the service runs at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often expired leases are given back: at most this long after a lease runs out, its rows are claimable.</summary>
    public TimeSpan LeasesEvery { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often retention runs.</summary>
    public TimeSpan RetentionEvery { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often memories are pruned.</summary>
    public TimeSpan MemoryEvery { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often stale planner statistics are refreshed (SQLite <c>PRAGMA optimize</c>, PostgreSQL <c>VACUUM (ANALYZE)</c>).</summary>
    public TimeSpan StatisticsEvery { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows per batch; each batch is one short transaction.</summary>
    public int BatchSize { get; set; } = WorkloadMaintenance.DefaultBatchSize;

    /// <summary>The interval of <paramref name="job"/>.</summary>
    public TimeSpan Every(Workload.MaintenanceJob job) => job switch
    {
        Workload.MaintenanceJob.Leases => LeasesEvery,
        Workload.MaintenanceJob.Retention => RetentionEvery,
        Workload.MaintenanceJob.Statistics => StatisticsEvery,
        _ => MemoryEvery,
    };
}
