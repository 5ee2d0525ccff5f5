using System;
using AgentHive.Runtime.Deployment;

namespace AgentHive.Runtime.Configuration;

/// <summary>
/// How the migrator treats a live PostgreSQL database, bound from the <c>AgentHive:Migrations</c>
/// configuration section. Times are written as <c>hh:mm:ss</c> (e.g. <c>00:00:02</c>).
/// </summary>
public sealed class MigrationOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "AgentHive:Migrations";

    /// <summary>
    /// How long one migration statement may wait for a table lock (<c>lock_timeout</c>). While it waits,
    /// the application's statements on that table queue behind it, so keep it short; the version is then
    /// rolled back and tried again. Default 2 s.
    /// </summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a version keeps being retried after lock timeouts before the migrator gives up. Default 5 minutes.</summary>
    public TimeSpan LockRetryTotal { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long one migration statement may run (<c>statement_timeout</c>, and the driver's command timeout a
    /// little above it). Long enough for index builds and validations on large tables; default 1 hour.
    /// </summary>
    public TimeSpan StatementTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows per transaction of a batched backfill (approximately: batches are page ranges). Default 10,000.</summary>
    public int BackfillBatchSize { get; set; } = 10_000;

    /// <summary>Refuses values that cannot work, saying which setting to change.</summary>
    /// <exception cref="DeploymentException">Of kind <see cref="DeploymentFailureKind.Usage"/>.</exception>
    public void Validate()
    {
        Positive(LockTimeout, nameof(LockTimeout));
        Positive(StatementTimeout, nameof(StatementTimeout));
        if (LockRetryTotal < TimeSpan.Zero)
        {
            throw Invalid(nameof(LockRetryTotal), "zero or more (zero: no retry)");
        }

        if (BackfillBatchSize < 1)
        {
            throw Invalid(nameof(BackfillBatchSize), "at least 1");
        }
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue)
        {
            throw Invalid(name, "more than zero and at most 24 days, e.g. 00:00:02");
        }
    }

    private static DeploymentException Invalid(string name, string expected) =>
        new(DeploymentFailureKind.Usage, $"{SectionName}:{name} must be {expected}.");
}
