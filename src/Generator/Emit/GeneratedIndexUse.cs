using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>
/// Which generated operations (queue claims and lease expiry, retention, memory pruning and de-duplication)
/// an index serves, judged by what their SQL filters, orders and conflicts on. The plan check counts these
/// as uses, so its unused-index warning lists only indexes nothing generated or declared reads.
/// </summary>
internal static class GeneratedIndexUse
{
    /// <summary>The operations of <paramref name="table"/> that <paramref name="index"/> serves, in a fixed order; empty for none.</summary>
    public static IReadOnlyList<string> Operations(TableModel table, IndexModel index)
    {
        var uses = new List<string>();
        // A partial index serves only queries whose filter implies its WHERE: the workload derived its own.
        var derived = new HashSet<string>(new[] { table.Queue?.ClaimIndexName, table.Queue?.LeaseIndexName, table.Retention?.IndexName }.OfType<string>());
        if (index.Where is not null && !derived.Contains(index.Name))
        {
            return uses;
        }

        var keys = index.Keys.TakeWhile(k => k.Kind == IndexKeyKind.Column).Select(k => k.Value).ToList();
        if (table.Queue is { } queue)
        {
            // Claim: equality on the state (and the partition), then the claim order, so no sort.
            if (index.Name == queue.ClaimIndexName || After(keys, queue.StateColumn, queue.PartitionColumn) == queue.Order[0].Column)
            {
                uses.Add("queue claim");
            }

            // Lease expiry: leased rows by lease end.
            if (index.Name == queue.LeaseIndexName || After(keys, queue.StateColumn) == queue.LeaseExpiresAtColumn)
            {
                uses.Add("lease expiry");
            }
        }

        if (table.Retention is { } retention && (index.Name == retention.IndexName || After(keys, retention.StateColumn) == retention.TimeColumn))
        {
            uses.Add("retention");
        }

        if (table.Memory is { } memory)
        {
            // Keep the top K: rank each owner's rows by importance. Drop the unimportant: importance below a bound.
            if ((memory.KeepTop is not null && keys.FirstOrDefault() == memory.OwnerColumn) ||
                (memory.DropBelow is not null && keys.FirstOrDefault() == memory.ImportanceColumn))
            {
                uses.Add("memory pruning");
            }

            // Store or touch: the upsert's conflict target is (owner, hash).
            if (memory.HashColumn is { } hash && keys.Count >= 2 &&
                new HashSet<string>(keys.Take(2)).SetEquals(new[] { memory.OwnerColumn, hash }))
            {
                uses.Add("memory de-duplication");
            }
        }

        return uses;
    }

    // The first key after the leading equality columns, or null when none follows.
    private static string? After(List<string> keys, params string?[] equalities) =>
        keys.SkipWhile(k => equalities.Contains(k)).FirstOrDefault();
}
