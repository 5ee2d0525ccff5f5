namespace AgentHive.Runtime.Writing;

/// <summary>
/// How a <see cref="SqliteGroupCommitWriter"/> groups write units into transactions, bound from the
/// <c>AgentHive:Database:SqliteWriter</c> configuration section.
/// </summary>
public sealed class SqliteWriterOptions
{
    /// <summary>The most write units one transaction carries.</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>
    /// Milliseconds after which no further unit joins an open transaction: it commits with what it has,
    /// so one commit's wait stays short even under a steady stream of units.
    /// </summary>
    public int MaxBatchMilliseconds { get; set; } = 20;

    /// <summary>Units that may wait for the writer before callers wait to hand in more.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    internal void Validate()
    {
        Require(MaxBatchSize, nameof(MaxBatchSize));
        Require(MaxBatchMilliseconds, nameof(MaxBatchMilliseconds));
        Require(QueueCapacity, nameof(QueueCapacity));
    }

    private static void Require(int value, string name)
    {
        if (value < 1)
        {
            throw new System.ArgumentOutOfRangeException(
                name, value, $"AgentHive:Database:SqliteWriter:{name} must be 1 or more.");
        }
    }
}
