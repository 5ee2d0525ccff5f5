using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Model;
using AgentHive.Generator.Parsing;

namespace AgentHive.Generator.Validation;

// Workload declarations: a table as a queue, its retention, and memory pruning and de-duplication.
public sealed partial class SchemaValidator
{
    private void BuildWorkload(TableBuilder table, Dictionary<string, EnumInfo> enums)
    {
        if (table.Syntax.Queue is { } queue)
        {
            table.Queue = BuildQueue(table, queue, enums);
        }

        if (table.Syntax.Retention is { } retention)
        {
            table.Retention = BuildRetention(table, retention, enums);
        }

        if (table.Syntax.Memory is { } memory)
        {
            table.Memory = BuildMemory(table, memory);
        }
    }

    private QueueModel? BuildQueue(TableBuilder table, SettingsSyntax syntax, Dictionary<string, EnumInfo> enums)
    {
        const string what = "queue";
        var ok = true;
        var stateToken = Required(syntax, "state", "the queue");
        var state = stateToken is null ? null : WorkloadColumn(table, stateToken, what, "state", c => c.Kind == ColumnKind.Enum && !c.Nullable,
            "a non-nullable enum column", "The queue's states are the values of its enum.");
        var enumInfo = state is null ? null : enums[state.EnumName!];

        List<string>? States(string key, bool required)
        {
            var tokens = syntax.List(key);
            if (tokens is null || tokens.Count == 0)
            {
                if (required)
                {
                    Report(DiagnosticDescriptors.MissingKey, syntax.Key.Location, $"The queue of table '{table.Name}'", key + "' (a non-empty list of states");
                    ok = false;
                }

                return null;
            }

            return tokens.Select(t => StateOf(t, key)).ToList()!;
        }

        string? StateOf(Token token, string key)
        {
            if (enumInfo is not null && !enumInfo.Values.Contains(token.Value))
            {
                Report(DiagnosticDescriptors.QueueStateNotInEnum, token.Location, token.Value, enumInfo.Model.Name, $"queue ('{key}')", table.Name,
                    string.Join(", ", enumInfo.Model.Values.Select(v => v.Value)));
                ok = false;
            }

            return token.Value;
        }

        string? OneState(string key) => Required(syntax, key, "the queue") is { } token ? StateOf(token, key) : null;

        var claimable = States("claimable", true);
        var leased = States("leased", true);
        var acked = OneState("acked");
        var retry = OneState("retry");
        var dead = OneState("dead");
        if (!ok || state is null || claimable is null || leased is null || acked is null || retry is null || dead is null)
        {
            return null;
        }

        var overlap = claimable.Intersect(leased).Concat(new[] { acked, dead }.Where(s => claimable.Contains(s) || leased.Contains(s))).Distinct().ToList();
        if (overlap.Count > 0)
        {
            Report(DiagnosticDescriptors.QueueStateRoles, syntax.Key.Location, table.Name,
                $"{string.Join(", ", overlap.Select(s => $"'{s}'"))} plays two roles",
                "Claimable, leased, acked and dead states must be distinct (retry is one of the claimable states).");
            return null;
        }

        if (!claimable.Contains(retry))
        {
            Report(DiagnosticDescriptors.QueueStateRoles, syntax.Scalar("retry")!.Location, table.Name,
                $"the retry state '{retry}' is not claimable", $"Add '{retry}' to 'claimable', or retry into a claimable state.");
            return null;
        }

        if (acked == dead)
        {
            Report(DiagnosticDescriptors.QueueStateRoles, syntax.Scalar("dead")!.Location, table.Name,
                $"'{acked}' is both acked and dead", "A dead-lettered row must be told apart from an acknowledged one: use another state.");
            return null;
        }

        if (table.PrimaryKey is not { Columns.Count: 1 })
        {
            Report(DiagnosticDescriptors.QueueStateRoles, syntax.Key.Location, table.Name, "its primary key is not one column",
                "Acks, retries and lease extensions name a row by its key: give the table a single-column key such as 'id: id'.");
            return null;
        }

        var machine = table.StateMachines.FirstOrDefault(m => m.Column == state.Name);
        if (machine is not null)
        {
            var moves = claimable.Select(c => (From: c, To: leased[0], Why: "claim"))
                .Concat(leased.SelectMany(l => new[] { (l, acked, "ack"), (l, retry, "retry"), (l, dead, "dead-letter") }));
            foreach (var (from, to, why) in moves)
            {
                if (from != to && !machine.Transitions.Contains(new TransitionModel(from, to)))
                {
                    Report(DiagnosticDescriptors.QueueTransitionMissing, syntax.Key.Location, table.Name, state.Name, from, to, why);
                    ok = false;
                }
            }
        }

        var lease = Duration(syntax, "lease", "'lease' of the queue", 30_000);
        var maxAttempts = Count(syntax, "maxAttempts", table.Name, "'maxAttempts' of the queue", 5, 1, 1000);
        var backoffBase = Duration(syntax, "backoff.base", "'backoff.base' of the queue", 1_000);
        var backoffMax = Duration(syntax, "backoff.max", "'backoff.max' of the queue", 300_000);
        var exponential = Bool(syntax.Scalar("backoff.exponential"), "'backoff.exponential'") ?? true;
        if (backoffBase is { } b && backoffMax is { } m && m < b)
        {
            Report(DiagnosticDescriptors.WorkloadSetting, syntax.Scalar("backoff.max")?.Location ?? syntax.Key.Location,
                syntax.Scalar("backoff.max")?.Value ?? "5m", "'backoff.max' of the queue", table.Name, "a duration at least 'backoff.base'");
            ok = false;
        }

        var attempts = NamedColumn(table, syntax, "attempts", "attempts", what, "the attempts",
            c => c.Kind is ColumnKind.Integer or ColumnKind.BigInt && !c.Nullable && c.Default is not null, "a non-nullable integer column with a default (0)");
        var owner = NamedColumn(table, syntax, "leaseOwner", "lease_owner", what, "the lease owner",
            c => c.Kind == ColumnKind.Text && c.Nullable, "a nullable text column (null while no consumer holds the row)");
        var expires = NamedColumn(table, syntax, "leaseExpiresAt", "lease_expires_at", what, "the lease expiry",
            c => c.Kind == ColumnKind.Timestamp && c.Nullable, "a nullable timestamp column");
        var visible = NamedColumn(table, syntax, "visibleAt", "visible_at", what, "the visible-at",
            c => c.Kind == ColumnKind.Timestamp && c.Nullable, "a nullable timestamp column (null: visible now)");
        var partition = syntax.Scalar("partition") is { } partitionToken
            ? WorkloadColumn(table, partitionToken, what, "partition", c => c.Kind != ColumnKind.Json && c.Kind != ColumnKind.Blob, "a column of a comparable type", string.Empty)
            : null;
        var idempotency = syntax.Scalar("idempotencyKey") is { } keyToken
            ? WorkloadColumn(table, keyToken, what, "idempotency key", c => c.Kind != ColumnKind.Json && c.Kind != ColumnKind.Blob, "a column of a comparable type", string.Empty)
            : null;

        var order = new List<OrderKeyModel>();
        foreach (var token in syntax.List("order") ?? new List<Token>())
        {
            var parts = token.Value.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            var descending = parts.Length == 2 && parts[1] == "desc";
            if (parts.Length > 2 || (parts.Length == 2 && parts[1] is not ("asc" or "desc")))
            {
                Report(DiagnosticDescriptors.InvalidValue, token.Location, token.Value, "an 'order' column of the queue", "a column name, optionally followed by 'asc' or 'desc'");
                ok = false;
                continue;
            }

            if (!table.HasColumn(parts[0]))
            {
                Report(DiagnosticDescriptors.MissingColumn, token.Location, $"The queue's 'order'", parts[0], table.Name);
                ok = false;
                continue;
            }

            order.Add(new OrderKeyModel(parts[0], descending));
        }

        if (order.Count == 0)
        {
            order.AddRange(table.PrimaryKey?.Columns.Select(c => new OrderKeyModel(c, false)) ?? Enumerable.Empty<OrderKeyModel>());
        }

        if (!ok || lease is null || maxAttempts is null || backoffBase is null || backoffMax is null ||
            attempts is null || owner is null || expires is null || visible is null ||
            (syntax.Scalar("partition") is not null && partition is null) || (syntax.Scalar("idempotencyKey") is not null && idempotency is null))
        {
            return null;
        }

        var claimIndex = new IndexModel(
            Names.Fit($"ix_{table.Name}_claim"),
            (partition is null ? new List<IndexKeyModel>() : new List<IndexKeyModel> { new(IndexKeyKind.Column, partition.Name, default, false) })
                .Concat(order.Select(o => new IndexKeyModel(IndexKeyKind.Column, o.Column, default, o.Descending))).ToEquatableArray(),
            false,
            "Claims of the queue: claimable rows in claim order (generated from 'queue').",
            Emit.WorkloadSql.StateIn(state.Name, claimable),
            default);
        var claimIndexName = AddDerivedIndex(table, claimIndex, syntax.Key.Location);

        var leaseIndexName = AddDerivedIndex(table, new IndexModel(
            Names.Fit($"ix_{table.Name}_lease"),
            new[] { new IndexKeyModel(IndexKeyKind.Column, expires.Name, default, false) }.ToEquatableArray(),
            false,
            "Leases that run out, for redelivery (generated from 'queue'); holds only rows in flight.",
            Emit.WorkloadSql.StateIn(state.Name, leased),
            default), syntax.Key.Location);

        var leaseCheck = new CheckModel(
            Names.Fit($"ck_{table.Name}_lease"),
            null,
            new ExpressionRule(
                $"{Emit.WorkloadSql.StateIn(state.Name, leased)} OR ({SqlText.Quote(owner.Name)} IS NULL AND {SqlText.Quote(expires.Name)} IS NULL)",
                null,
                null));
        if (CheckNameTaken(table, leaseCheck.Name, syntax.Key.Location))
        {
            return null;
        }

        table.Checks.Add(leaseCheck);

        return new QueueModel(
            state.Name, claimable.ToEquatableArray(), leased.ToEquatableArray(), acked, retry, dead,
            lease.Value, maxAttempts.Value, backoffBase.Value, backoffMax.Value, exponential,
            attempts.Name, owner.Name, expires.Name, visible.Name, partition?.Name, order.ToEquatableArray(), idempotency?.Name,
            claimIndexName, leaseIndexName);
    }

    private RetentionModel? BuildRetention(TableBuilder table, SettingsSyntax syntax, Dictionary<string, EnumInfo> enums)
    {
        const string what = "retention";
        var timeToken = Required(syntax, "time", "the retention");
        var time = timeToken is null ? null : WorkloadColumn(table, timeToken, what, "time", c => c.Kind == ColumnKind.Timestamp, "a timestamp column", string.Empty);
        var keep = syntax.Scalar("keep") is null
            ? MissingDuration(syntax, table, "keep")
            : Duration(syntax, "keep", "'keep' of the retention", 0);
        ColumnModel? state = null;
        var states = new List<string>();

        // Without states the prune deletes old rows whatever their state: never read 'states: []' or a lone 'state' that way.
        if (syntax.List("states") is null && syntax.Scalar("state") is { } lone)
        {
            Report(DiagnosticDescriptors.MissingKey, lone.Location, $"The retention of table '{table.Name}' names a 'state' column, so it", "states' (the states whose old rows it deletes");
            return null;
        }

        if (syntax.List("states") is { Count: 0 })
        {
            Report(DiagnosticDescriptors.MissingKey, syntax.Key.Location, $"The retention of table '{table.Name}'", "states' with at least one state (without 'states' it deletes old rows in every state");
            return null;
        }

        if (syntax.List("states") is { Count: > 0 } stateTokens)
        {
            var stateToken = syntax.Scalar("state");
            var stateName = stateToken?.Value ?? table.Syntax.Queue?.Scalar("state")?.Value;
            if (stateName is null)
            {
                Report(DiagnosticDescriptors.MissingKey, syntax.Key.Location, $"The retention of table '{table.Name}'", "state' (the column 'states' are values of");
                return null;
            }

            state = WorkloadColumn(table, stateToken ?? table.Syntax.Queue!.Scalar("state")!, what, "state",
                c => c.Kind == ColumnKind.Enum && !c.Nullable, "a non-nullable enum column", string.Empty);
            if (state is null)
            {
                return null;
            }

            var enumInfo = enums[state.EnumName!];
            foreach (var token in stateTokens)
            {
                if (!enumInfo.Values.Contains(token.Value))
                {
                    Report(DiagnosticDescriptors.QueueStateNotInEnum, token.Location, token.Value, enumInfo.Model.Name, "retention", table.Name,
                        string.Join(", ", enumInfo.Model.Values.Select(v => v.Value)));
                    return null;
                }

                states.Add(token.Value);
            }
        }

        var partition = syntax.Mapping("partition") is { } partitionKey ? BuildPartition(table, syntax, partitionKey, time, state) : null;
        if (time is null || keep is null || (syntax.Mapping("partition") is not null && partition is null))
        {
            return null;
        }

        var index = new IndexModel(
            Names.Fit($"ix_{table.Name}_retention"),
            new[] { new IndexKeyModel(IndexKeyKind.Column, time.Name, default, false) }.ToEquatableArray(),
            false,
            "Retention: the oldest rows to prune first (generated from 'retention').",
            state is null ? null : Emit.WorkloadSql.StateIn(state.Name, states),
            default);
        return new RetentionModel(time.Name, keep.Value, state?.Name, states.ToEquatableArray(), AddDerivedIndex(table, index, syntax.Key.Location), partition);
    }

    private PartitionModel? BuildPartition(TableBuilder table, SettingsSyntax syntax, Token partitionKey, ColumnModel? time, ColumnModel? state)
    {
        var ok = true;
        PartitionInterval? interval = null;
        if (syntax.Scalar("partition.interval") is not { } intervalToken)
        {
            Report(DiagnosticDescriptors.MissingKey, partitionKey.Location, $"The partition of table '{table.Name}'", "interval' (day, week or month");
            ok = false;
        }
        else
        {
            interval = intervalToken.Value switch
            {
                "day" => PartitionInterval.Day,
                "week" => PartitionInterval.Week,
                "month" => PartitionInterval.Month,
                _ => null,
            };
            if (interval is null)
            {
                Report(DiagnosticDescriptors.WorkloadSetting, intervalToken.Location, Shorten(intervalToken.Value), "'partition.interval' of the retention", table.Name, "day, week or month");
                ok = false;
            }
        }

        var ahead = Count(syntax, "partition.ahead", table.Name, "'partition.ahead' of the retention", DefaultPartitionsAhead, 1, 366);
        if (time is not null)
        {
            if (time.Nullable)
            {
                Report(DiagnosticDescriptors.PartitionTimeColumn, partitionKey.Location, table.Name, time.Name, "is nullable",
                    "A row without a time has no partition; PostgreSQL needs the partition column NOT NULL. Declare it 'nullable: false' (with 'default: now' for rows that do not set it).");
                ok = false;
            }
            else if (time.AutoUpdate)
            {
                Report(DiagnosticDescriptors.PartitionTimeColumn, partitionKey.Location, table.Name, time.Name, "the database sets on every update",
                    "A trigger that moves the partition column would have to move the row to another partition, which PostgreSQL refuses. Partition by a time that is set once, such as the creation time.");
                ok = false;
            }
        }

        if (state is not null)
        {
            Report(DiagnosticDescriptors.PartitionCombination, partitionKey.Location, table.Name, "'states'",
                "a partition holds rows of every state, so dropping an expired partition would delete rows in states the retention keeps",
                "Remove 'states' so that every row expires by time, or remove 'partition' to keep the batched delete, which honours the states.");
            ok = false;
        }

        if (table.Syntax.Queue is not null)
        {
            Report(DiagnosticDescriptors.PartitionCombination, partitionKey.Location, table.Name, "'queue'",
                "a queue table needs the storage parameters that keep vacuum up with its churn, and PostgreSQL takes none on a partitioned table",
                "Remove 'partition' from this retention; prune the queue with the batched delete.");
            ok = false;
        }

        if (!ok || interval is null || ahead is null)
        {
            return null;
        }

        // A partition's name is the prefix and an 8-digit date, within PostgreSQL's 63 characters.
        var fitted = Names.Fit(table.Name);
        var prefix = (table.Name.Length <= Names.MaxIdentifierLength - 10 ? table.Name : fitted.Substring(0, 44) + fitted.Substring(fitted.Length - 9)) + "_p";
        return new PartitionModel(interval.Value, ahead.Value, Names.Fit($"{table.Name}_default"), prefix);
    }

    /// <summary>Partitions created ahead when the schema does not say.</summary>
    private const int DefaultPartitionsAhead = 3;

    private MemoryModel? BuildMemory(TableBuilder table, SettingsSyntax syntax)
    {
        const string what = "memory";
        var ownerToken = Required(syntax, "owner", "the memory");
        var importanceToken = Required(syntax, "importance", "the memory");
        var timeToken = Required(syntax, "time", "the memory");
        var owner = ownerToken is null ? null : WorkloadColumn(table, ownerToken, what, "owner", c => c.Kind is not (ColumnKind.Json or ColumnKind.Blob), "a column of a comparable type", string.Empty);
        var importance = importanceToken is null ? null : WorkloadColumn(table, importanceToken, what, "importance",
            c => c.Kind is ColumnKind.Real or ColumnKind.Integer or ColumnKind.BigInt or ColumnKind.SmallInt or ColumnKind.Decimal && !c.Nullable, "a non-nullable number column", string.Empty);
        var time = timeToken is null ? null : WorkloadColumn(table, timeToken, what, "time", c => c.Kind == ColumnKind.Timestamp && !c.Nullable, "a non-nullable timestamp column", string.Empty);
        var lastUse = syntax.Scalar("lastUse") is { } lastUseToken
            ? WorkloadColumn(table, lastUseToken, what, "last use", c => c.Kind == ColumnKind.Timestamp, "a timestamp column", string.Empty)
            : null;
        var keepTop = syntax.Scalar("keepTop") is null ? null : Count(syntax, "keepTop", table.Name, "'keepTop' of the memory", 0, 1, int.MaxValue);
        string? dropBelow = null;
        if (syntax.Scalar("dropBelow") is { } belowToken)
        {
            if (double.TryParse(belowToken.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var below) && !double.IsNaN(below) && !double.IsInfinity(below))
            {
                dropBelow = below.ToString("R", CultureInfo.InvariantCulture);
            }
            else
            {
                Report(DiagnosticDescriptors.WorkloadSetting, belowToken.Location, belowToken.Value, "'dropBelow' of the memory", table.Name, "a number (an importance)");
                return null;
            }
        }

        var unused = syntax.Scalar("unusedFor") is null ? 0 : Duration(syntax, "unusedFor", "'unusedFor' of the memory", 0);
        if (keepTop is null && dropBelow is null && syntax.Scalar("keepTop") is null)
        {
            Report(DiagnosticDescriptors.MissingKey, syntax.Key.Location, $"The memory of table '{table.Name}'", "keepTop' or 'dropBelow");
            return null;
        }

        ColumnModel? hash = null;
        if (syntax.Scalar("contentHash") is { } hashToken)
        {
            hash = WorkloadColumn(table, hashToken, what, "content hash", c => c.Kind is ColumnKind.Text or ColumnKind.Blob && !c.Nullable, "a non-nullable text or blob column", string.Empty);
            if (hash is not null && owner is not null && !HasUniqueOn(table, owner.Name, hash.Name))
            {
                Report(DiagnosticDescriptors.DeduplicationNeedsUniqueIndex, hashToken.Location, table.Name, $"{owner.Name}, {hash.Name}");
                return null;
            }
        }

        ColumnModel? compressed = null;
        if (syntax.Scalar("compress.column") is null && syntax.Scalar("compress.above") is { } aboveOnly)
        {
            Report(DiagnosticDescriptors.MissingKey, aboveOnly.Location, $"'compress' of the memory of table '{table.Name}'", "column' (the text column to compress");
            return null;
        }

        if (syntax.Scalar("compress.column") is { } compressToken)
        {
            compressed = WorkloadColumn(table, compressToken, what, "compressed", c => c.Kind == ColumnKind.Text && c.MaxLength is null,
                "a text column without maxLength", "Compressed content is stored as marked base64 text, longer than the characters it holds.");
        }

        var compressAbove = syntax.Scalar("compress.above") is null ? 1024 : Count(syntax, "compress.above", table.Name, "'compress.above' of the memory", 0, 64, int.MaxValue);
        if (owner is null || importance is null || time is null || unused is null || compressAbove is null ||
            (syntax.Scalar("lastUse") is not null && lastUse is null) || (syntax.Scalar("compress.column") is not null && compressed is null))
        {
            return null;
        }

        return new MemoryModel(owner.Name, importance.Name, time.Name, lastUse?.Name, keepTop, dropBelow,
            syntax.Scalar("unusedFor") is null ? null : unused, hash?.Name, compressed?.Name, compressAbove.Value);
    }

    private bool HasUniqueOn(TableBuilder table, string first, string second)
    {
        bool Same(IEnumerable<string> columns) => new HashSet<string>(columns).SetEquals(new[] { first, second }) && columns.Count() == 2;
        return table.Uniques.Any(u => Same(u.Model.Columns)) ||
               table.Indexes.Any(i => i.Model.Unique && i.Model.Where is null && i.Model.Keys.All(k => k.Kind == IndexKeyKind.Column) && Same(i.Model.Keys.Select(k => k.Value)));
    }

    /// <summary>Adds an index the declaration needs unless the table declares the same one; returns its name.</summary>
    private string AddDerivedIndex(TableBuilder table, IndexModel index, LocationInfo location)
    {
        var same = table.Indexes.FirstOrDefault(i => i.Model with { Name = index.Name, Description = index.Description } == index);
        if (same.Model is not null)
        {
            return same.Model.Name;
        }

        table.Indexes.Add((index, location));
        return index.Name;
    }

    private Token? Required(SettingsSyntax syntax, string key, string owner)
    {
        if (syntax.Scalar(key) is { } token)
        {
            return token;
        }

        Report(DiagnosticDescriptors.MissingKey, syntax.Key.Location, char.ToUpperInvariant(owner[0]) + owner.Substring(1) + " of table", key);
        return null;
    }

    private long? MissingDuration(SettingsSyntax syntax, TableBuilder table, string key)
    {
        Report(DiagnosticDescriptors.MissingKey, syntax.Key.Location, $"The {syntax.Key.Value} of table '{table.Name}'", key);
        return null;
    }

    private ColumnModel? NamedColumn(TableBuilder table, SettingsSyntax syntax, string key, string defaultName, string what, string role,
        Func<ColumnModel, bool> suits, string expected)
    {
        var token = syntax.Scalar(key) ?? new Token(defaultName, syntax.Key.Location);
        var name = token.Value;
        if (!table.HasColumn(name))
        {
            Report(DiagnosticDescriptors.WorkloadColumn, token.Location, what, table.Name, role, name, expected,
                syntax.Scalar(key) is null
                    ? $"Add column '{name}' to the table, or name another column with '{key}'."
                    : $"Table '{table.Name}' has no such column: add it or fix the name.");
            return null;
        }

        return WorkloadColumn(table, token, what, role.Replace("the ", string.Empty), suits, expected, string.Empty);
    }

    private ColumnModel? WorkloadColumn(TableBuilder table, Token token, string what, string role, Func<ColumnModel, bool> suits, string expected, string why)
    {
        if (table.Column(token.Value) is not { } column)
        {
            Report(DiagnosticDescriptors.MissingColumn, token.Location, $"The {what}'s '{role}'", token.Value, table.Name);
            return null;
        }

        if (!suits(column.Model))
        {
            Report(DiagnosticDescriptors.WorkloadColumn, token.Location, what, table.Name, role, token.Value, expected, why);
            return null;
        }

        return column.Model;
    }

    private long? Duration(SettingsSyntax syntax, string key, string what, long fallback)
    {
        if (syntax.Scalar(key) is not { } token)
        {
            return fallback;
        }

        if (ParseDuration(token.Value) is { } value)
        {
            return value;
        }

        Report(DiagnosticDescriptors.InvalidDuration, token.Location, Shorten(token.Value), what, $", from 1ms up to {MaxDurationDays.ToString(CultureInfo.InvariantCulture)}d (100 years)");
        return null;
    }

    private int? Count(SettingsSyntax syntax, string key, string table, string what, int fallback, int min, int max)
    {
        if (syntax.Scalar(key) is not { } token)
        {
            return fallback;
        }

        if (int.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        Report(DiagnosticDescriptors.WorkloadSetting, token.Location, Shorten(token.Value), what, table,
            max == int.MaxValue ? $"a whole number of at least {min}" : $"a whole number from {min} to {max}");
        return null;
    }

    /// <summary>
    /// The longest duration: a lease, backoff or age added to or taken from now must stay a date both databases and
    /// TimeSpan hold (SQLite's dates end at year 9999, TimeSpan at about 29,000 years, and a backoff doubles up to 2^20 times
    /// within a bigint of milliseconds).
    /// </summary>
    internal const long MaxDurationDays = 36_500;

    /// <summary>Milliseconds of a duration such as 500ms, 30s, 5m, 2h or 7d; null when it is not one (or is zero, or longer than <see cref="MaxDurationDays"/>).</summary>
    internal static long? ParseDuration(string text)
    {
        var units = new (string Suffix, long Factor)[] { ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000) };
        foreach (var (suffix, factor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal) &&
                long.TryParse(text.Substring(0, text.Length - suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number) &&
                number > 0 && number <= MaxDurationDays * 86_400_000 / factor)
            {
                return number * factor;
            }
        }

        return null;
    }
}
