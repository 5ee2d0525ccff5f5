using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Deployment;
using AgentHive.Runtime.Migrations;
using AgentHive.Runtime.Workload;

namespace AgentHive.Runtime.CommandLine;

// 'maintain leases|retention|memory|statistics|all': what the hosted maintenance service runs, once.
public static partial class SchemaCommandLine
{
    private static Command MaintainCommand(CommonOptions common)
    {
        var job = new Argument<string>("job")
        {
            Description = "leases (give back expired leases), retention (delete rows past their retention), memory (prune memories), statistics (refresh stale planner statistics) or all",
        };
        job.AcceptOnlyFromAmong("leases", "retention", "memory", "statistics", "all");
        var batch = new Option<int>("--batch") { Description = "Rows per batch; each batch is one short transaction", DefaultValueFactory = _ => WorkloadMaintenance.DefaultBatchSize };
        var maintain = new Command("maintain", "Run the schema's maintenance once: lease expiry, retention, memory pruning or the planner-statistics refresh");
        maintain.Arguments.Add(job);
        maintain.Options.Add(batch);
        maintain.SetAction(parse => Maintain(parse, common, parse.GetValue(job)!, parse.GetValue(batch)));
        return maintain;
    }

    private static int Maintain(ParseResult parse, CommonOptions common, string job, int batchSize)
    {
        var report = new Report(parse.InvocationConfiguration.Output, parse.GetValue(common.Json));
        var error = parse.InvocationConfiguration.Error;
        if (batchSize < 1)
        {
            return report.Fail(error, $"--batch must be at least 1, not {batchSize}.", Usage);
        }

        DatabaseOptions options;
        try
        {
            options = DatabaseOptions.From(Configure(common.BaseConfiguration, parse.GetValue(common.Provider), parse.GetValue(common.Connection)));
            options.Validate();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or InvalidOperationException or ArgumentException)
        {
            return report.Fail(error, $"Configuration error: {ConnectionStrings.Scrub(DeploymentException.MessageChain(ex), null)}.", Usage);
        }

        var jobs = job == "all"
            ? Enum.GetValues<MaintenanceJob>()
            : new[] { Enum.Parse<MaintenanceJob>(job, ignoreCase: true) };
        try
        {
            // Without this, a database never migrated fails on a missing table, and a missing SQLite file is created empty.
            EnsureLatestVersion(new SchemaMigrator(options, common.SchemaAssembly), "maintenance runs the latest schema's SQL");
            var maintenance = new SchemaMaintenance(options, WorkloadCatalog.Load(common.SchemaAssembly), batchSize);
            var reports = jobs.SelectMany(j => maintenance.Run(j)).ToList();
            if (reports.Count == 0)
            {
                report.Text($"Nothing to maintain: the schema declares no {(job == "all" ? "queue, retention or memory" : job)}.");
            }

            foreach (var item in reports)
            {
                if (item.Job == MaintenanceJob.Statistics)
                {
                    report.Text($"statistics: refreshed in {item.Result.LongestBatch.TotalMilliseconds:F0} ms");
                    continue;
                }

                var partitions = item.Result is { PartitionsCreated: 0, PartitionsDropped: 0, PartitionsPostponed: 0 }
                    ? string.Empty
                    : $"; partitions: {item.Result.PartitionsCreated} created, {item.Result.PartitionsDropped} dropped, {item.Result.PartitionsPostponed} postponed (lock not granted in time)";
                report.Text($"{item.Job.ToString().ToLowerInvariant()} {item.Table}: {item.Result.Rows} rows in {item.Result.Batches} batches " +
                            $"(longest {item.Result.LongestBatch.TotalMilliseconds:F0} ms){partitions}");
            }

            report.Set("maintained", reports.Select(r => new
            {
                Job = r.Job.ToString().ToLowerInvariant(),
                r.Table,
                r.Result.Rows,
                r.Result.Batches,
                LongestBatchMs = (long)r.Result.LongestBatch.TotalMilliseconds,
                r.Result.PartitionsCreated,
                r.Result.PartitionsDropped,
                r.Result.PartitionsPostponed,
            }));
            return report.Finish();
        }
        catch (Exception ex)
        {
            return Fail(report, error, DeploymentException.From(ex, options));
        }
    }
}
