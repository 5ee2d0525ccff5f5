using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Diff;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Emit;
using AgentHive.Generator.Model;
using AgentHive.Generator.Parsing;
using AgentHive.Generator.Validation;

namespace AgentHive.Generator;

/// <summary>What the history stage produced: the schema and its migrations when all is valid, and every diagnostic.</summary>
public sealed record HistoryResult(HistoryModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// schema.yaml plus its frozen versions (schema.vN.yaml) and their checksums (schema.checksums) become
/// one migration per version: each version diffed against the one before it.
/// </summary>
public static class HistoryPipeline
{
    public const string SchemaFileName = "schema.yaml";
    public const string ChecksumFileName = "schema.checksums";
    private static readonly Regex FrozenName = new(@"^schema\.v([0-9]+)\.yaml$", RegexOptions.CultureInvariant);

    public static bool IsInput(string path, SchemaFileRole role = SchemaFileRole.Unspecified) =>
        role == SchemaFileRole.Schema || IsChecksums(path, role) || FrozenVersion(path, role) is not null
        || (role == SchemaFileRole.Unspecified && IsSchemaByName(path));

    private static bool IsSchema(SchemaSource source) =>
        source.Role == SchemaFileRole.Schema || (source.Role == SchemaFileRole.Unspecified && IsSchemaByName(source.Path));

    private static bool IsSchemaByName(string path) =>
        string.Equals(System.IO.Path.GetFileName(path), SchemaFileName, StringComparison.OrdinalIgnoreCase);

    private static bool IsChecksums(string path, SchemaFileRole role) =>
        role != SchemaFileRole.Schema && System.IO.Path.GetFileName(path) == ChecksumFileName;

    /// <summary>The version number in a frozen file's name (digits, possibly too many for a version), or null for any other file.</summary>
    private static string? FrozenVersion(string path, SchemaFileRole role)
    {
        var match = role == SchemaFileRole.Schema ? Match.Empty : FrozenName.Match(System.IO.Path.GetFileName(path));
        return match.Success ? match.Groups[1].Value : null;
    }

    public static HistoryResult Run(ImmutableArray<SchemaSource> sources)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var model = Build(sources, diagnostics);
        var failed = diagnostics.Any(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        return new HistoryResult(failed ? null : model, diagnostics.ToEquatableArray());
    }

    private static HistoryModel? Build(ImmutableArray<SchemaSource> sources, List<DiagnosticInfo> diagnostics)
    {
        // A file listed twice (by the package's build files and by hand) is still one file.
        sources = sources.GroupBy(s => s.Path, StringComparer.Ordinal).Select(g => g.OrderByDescending(s => s.Role).First()).ToImmutableArray();
        var schemas = sources.Where(IsSchema).ToList();
        if (schemas.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoSchemaFile, new LocationInfo(string.Empty, 1, 1)));
            return null;
        }

        if (schemas.Count > 1)
        {
            var paths = string.Join(", ", schemas.Select(s => s.Path).OrderBy(p => p, StringComparer.Ordinal));
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MultipleSchemaFiles, new LocationInfo(schemas[1].Path, 1, 1), paths));
            return null;
        }

        var current = Parse(schemas[0], diagnostics, frozen: false);
        var frozen = new SortedDictionary<int, Parsed>();
        foreach (var source in sources.OrderBy(s => s.Path, StringComparer.Ordinal))
        {
            if (FrozenVersion(source.Path, source.Role) is not { } digits)
            {
                continue;
            }

            if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ||
                number < 1 || number > SchemaValidator.MaxVersion)
            {
                Report(diagnostics, DiagnosticDescriptors.InvalidVersion, new LocationInfo(source.Path, 1, 1),
                    SchemaValidator.Shorten(digits), SchemaValidator.MaxVersion.ToString(CultureInfo.InvariantCulture));
                continue;
            }

            var parsed = Parse(source, diagnostics, frozen: true);
            if (parsed.Model is { } m && m.Version != number)
            {
                Report(diagnostics, DiagnosticDescriptors.FrozenVersionMismatch, parsed.At("version"),
                    System.IO.Path.GetFileName(source.Path), number.ToString(CultureInfo.InvariantCulture), m.Version.ToString(CultureInfo.InvariantCulture));
            }

            frozen[number] = parsed;
        }

        var checksumSource = sources.FirstOrDefault(s => IsChecksums(s.Path, s.Role));
        var checksums = ReadChecksums(checksumSource, diagnostics);
        if (current.Model is not { } currentModel || frozen.Values.Any(f => f.Model is null) || HasErrors(diagnostics))
        {
            return null;
        }

        var version = currentModel.Version;
        var newestFrozen = frozen.Count == 0 ? 0 : frozen.Keys.Max();
        if (version < newestFrozen || (frozen.TryGetValue(version, out var same) && !SameSchema(same.Model!, currentModel)))
        {
            Report(diagnostics, DiagnosticDescriptors.VersionNotBumped, current.At("version"),
                newestFrozen.ToString(CultureInfo.InvariantCulture),
                version < newestFrozen ? "history already holds it" : "its tables, constraints or indexes changed",
                (newestFrozen + 1).ToString(CultureInfo.InvariantCulture));
            return null;
        }

        var missing = Enumerable.Range(1, Math.Max(0, version - 1)).Where(v => !frozen.ContainsKey(v)).ToList();
        if (missing.Count > 0)
        {
            Report(diagnostics, DiagnosticDescriptors.MissingHistory, current.At("version"),
                version.ToString(CultureInfo.InvariantCulture), Ranges(missing));
            return null;
        }

        var chain = Enumerable.Range(1, version).Select(v => v == version && !frozen.ContainsKey(v) ? current : frozen[v]).ToList();
        var plans = new List<VersionPlan>();
        var previous = Empty(currentModel);
        var previousForm = SqliteDialect.Instance;
        for (var i = 0; i < chain.Count; i++)
        {
            var step = chain[i];
            var isFrozen = frozen.ContainsKey(i + 1);
            var (plan, form) = Plan(previous, previousForm, step, isFrozen, checksums, checksumSource?.Path ?? step.Path, diagnostics);
            plans.Add(plan);
            previous = step.Model!;
            previousForm = form;
        }

        return HasErrors(diagnostics) ? null : new HistoryModel(currentModel, plans.ToEquatableArray());
    }

    /// <summary>The version's plan, and the SQLite form it is written in (the next version starts from it).</summary>
    private static (VersionPlan Plan, SqliteDialect Form) Plan(SchemaModel previous, SqliteDialect previousForm, Parsed step, bool isFrozen, Dictionary<(int, string), (string Hash, LocationInfo At)> checksums,
        string checksumPath, List<DiagnosticInfo> diagnostics)
    {
        var model = step.Model!;
        var unknownRenames = new List<string>();
        var mapping = TableMapping.ForUpgrade(previous, model, unknownRenames);
        foreach (var rename in unknownRenames)
        {
            var isTable = rename.StartsWith("table:", StringComparison.Ordinal);
            var key = rename.Substring(rename.IndexOf(':') + 1);
            var declared = isTable ? model.Tables.First(t => t.Name == key).RenamedFrom : ColumnOf(model, key).RenamedFrom;
            Report(diagnostics, DiagnosticDescriptors.UnknownRename, step.At((isTable ? "table-renamed:" : "column-renamed:") + key),
                declared!, isTable ? "table" : $"column of table '{key.Substring(0, key.IndexOf('.'))}'", previous.Version.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var repeated in model.Steps.Where(s => previous.Steps.Any(p => p.Sqlite == s.Sqlite && p.Postgres == s.Postgres)))
        {
            Report(diagnostics, DiagnosticDescriptors.StepRepeated, step.At($"step:{repeated.Name}"), repeated.Name,
                previous.Version.ToString(CultureInfo.InvariantCulture), model.Version.ToString(CultureInfo.InvariantCulture));
        }

        var up = VersionChanges.Upgrade(previous, model, mapping);
        var down = VersionChanges.Downgrade(model, previous, mapping.Invert());
        var version = model.Version.ToString(CultureInfo.InvariantCulture);
        foreach (var (source, target) in up.KeptTables)
        {
            if (PartitioningChange(source.Partition, target.Partition) is { } change)
            {
                Report(diagnostics, DiagnosticDescriptors.PartitioningChanged, step.At($"table:{target.Name}"),
                    version, change, target.Name, previous.Version.ToString(CultureInfo.InvariantCulture));
            }
        }

        var lost = up.DataLoss();
        CheckLosses(lost, model.AllowDataLossUp, step, version, diagnostics);
        var restrictions = down.DownRestrictions();
        if (!isFrozen)
        {
            // Down only drops what the version added; frozen versions keep the entries they once needed.
            foreach (var entry in model.AllowDataLossDown)
            {
                Report(diagnostics, DiagnosticDescriptors.UnusedDataLossAllowance, step.At($"loss-down:{entry}"), entry, ".down",
                    $"version {version}'s Down only drops what version {version} added, and undoing that needs no entry");
            }

            CheckWaysBack(restrictions, model, previous.Version, step, diagnostics);

            // Frozen versions are released: nothing can act on their lint any more.
            foreach (var operation in BlockingOperations.Find(up, previousForm))
            {
                Report(diagnostics, operation.Descriptor, step.At(operation.At), operation.Arguments);
            }
        }

        var downGuards = restrictions.Select(r => r.GuardQuery(model.Version, previous.Version)).ToList();
        foreach (var missing in up.MissingValues())
        {
            Report(diagnostics, DiagnosticDescriptors.NotNullWithoutValue, step.At($"column:{missing.Table}.{missing.Column}"),
                version, $"{missing.Table}.{missing.Column}", missing.IsNew ? "as a new column" : "where it was nullable");
        }

        // A frozen version keeps the SQLite form and the way of altering tables it was frozen with: the ones
        // its recorded checksum matches. A version being developed is written in today's form, in place.
        var recordedSqlite = isFrozen && checksums.TryGetValue((model.Version, "sqlite"), out var r) ? r.Hash : null;
        var newest = SqliteSql.Plan(up, down, downGuards, previousForm, SqliteDialect.Instance, SqliteAlterMode.InPlace);
        var sqlite = recordedSqlite is null || newest.Checksum == recordedSqlite
            ? newest
            : SqliteDialect.Forms
                .SelectMany(form => new[] { SqliteAlterMode.InPlace, SqliteAlterMode.RebuildOnly }.Select(mode => (form, mode)))
                .Skip(1)
                .Select(p => SqliteSql.Plan(up, down, downGuards, previousForm, p.form, p.mode))
                .FirstOrDefault(p => p.Checksum == recordedSqlite)
              ?? newest;
        var (sqliteForm, sqliteUp, sqliteDown, sqliteChecksum) = sqlite;
        // Likewise on PostgreSQL: a version frozen before the online form keeps its classic form, and one frozen
        // before type changes went online keeps that online form.
        var postgresDown = PostgresPlanner.Plan(down);
        var recordedPostgres = isFrozen && checksums.TryGetValue((model.Version, "postgres"), out var rp) ? rp.Hash : null;
        var postgresPlan = PostgresPlanner.Plan(up, online: true);
        var postgresChecksum = PostgresChecksum(postgresPlan, downGuards, postgresDown);
        if (recordedPostgres is not null && recordedPostgres != postgresChecksum &&
            new[] { PostgresPlanner.Plan(up, online: true, onlineTypeChanges: false), PostgresPlanner.Plan(up, online: false) }
                .FirstOrDefault(p => PostgresChecksum(p, downGuards, postgresDown) == recordedPostgres) is { } earlier)
        {
            (postgresPlan, postgresChecksum) = (earlier, recordedPostgres);
        }

        var postgresUp = postgresPlan.Transaction;
        if (isFrozen)
        {
            foreach (var (backend, actual) in new[] { ("sqlite", sqliteChecksum), ("postgres", postgresChecksum) })
            {
                if (!checksums.TryGetValue((model.Version, backend), out var recorded))
                {
                    Report(diagnostics, DiagnosticDescriptors.MissingChecksum, new LocationInfo(checksumPath, 1, 1), version, backend);
                }
                else if (recorded.Hash != actual)
                {
                    Report(diagnostics, DiagnosticDescriptors.FrozenVersionChanged, recorded.At, version, backend,
                        recorded.Hash.Substring(0, Math.Min(12, recorded.Hash.Length)), actual.Substring(0, 12), System.IO.Path.GetFileName(step.Path));
                }
            }
        }

        var plan = new VersionPlan(model.Version, model.Description.Length > 0 ? model.Description : $"{model.Name} version {model.Version}", isFrozen,
            sqliteUp.ToEquatableArray(), sqliteDown.ToEquatableArray(), postgresUp.ToEquatableArray(), postgresDown.ToEquatableArray(),
            sqliteChecksum, postgresChecksum, lost.Select(l => l.Description).ToEquatableArray(), downGuards.ToEquatableArray(),
            postgresPlan.Online.ToEquatableArray());
        return (plan, sqliteForm);
    }

    // What an upgrade does to a kept table's partitioning that PostgreSQL cannot do in place; null when nothing.
    private static string? PartitioningChange(PartitionModel? source, PartitionModel? target) =>
        (source, target) switch
        {
            (null, null) => null,
            (null, _) => "declares 'partition' on",
            (_, null) => "removes 'partition' from",
            _ when source.Interval != target.Interval => $"changes the partition interval from {Lower(source.Interval)} to {Lower(target.Interval)} of",
            _ => null,
        };

    private static string Lower(PartitionInterval interval) => interval.ToString().ToLowerInvariant();

    // The online steps count as Up SQL: a version without any has the checksum it always had.
    private static string PostgresChecksum(PostgresPlan up, IEnumerable<string> downGuards, IEnumerable<string> down) =>
        Checksum(up.Transaction.Concat(up.Online), downGuards.Concat(down));

    /// <summary>Every rule going down re-imposes needs a declared way back, and every declared one a rule.</summary>
    private static void CheckWaysBack(IReadOnlyList<DownRestriction> restrictions, SchemaModel model, int previousVersion, Parsed step, List<DiagnosticInfo> diagnostics)
    {
        var version = model.Version.ToString(CultureInfo.InvariantCulture);
        foreach (var restriction in restrictions.Where(r => !r.IsDeclared))
        {
            Report(diagnostics, DiagnosticDescriptors.DownWithoutWayBack, step.At($"column:{restriction.Table}.{restriction.Column.Name}"),
                version, previousVersion.ToString(CultureInfo.InvariantCulture), $"{restriction.Table}.{restriction.Column.Name}", restriction.Refused);
        }

        foreach (var table in model.Tables)
        {
            foreach (var column in table.Columns.Where(c => (c.DownBackfill is not null || c.DownRefuses) &&
                                                            !restrictions.Any(r => r.Table == table.Name && r.Column.Name == c.Name)))
            {
                Report(diagnostics, DiagnosticDescriptors.UnusedDownBackfill, step.At($"down-backfill:{table.Name}.{column.Name}"), $"{table.Name}.{column.Name}", version);
            }
        }
    }

    private static void CheckLosses(IReadOnlyList<DataLossItem> losses, EquatableArray<string> allowed, Parsed step, string version, List<DiagnosticInfo> diagnostics)
    {
        foreach (var loss in losses.Where(l => !allowed.Contains(l.Key)))
        {
            Report(diagnostics, DiagnosticDescriptors.DataLoss, step.At("version"), version, loss.Description, loss.Key);
        }

        foreach (var entry in allowed.Where(a => losses.All(l => l.Key != a)))
        {
            Report(diagnostics, DiagnosticDescriptors.UnusedDataLossAllowance, step.At($"loss-up:{entry}"), entry, ".up", $"version {version} loses no such data");
        }
    }

    /// <summary>Two versions are the same schema when they create the same database on both backends.</summary>
    private static bool SameSchema(SchemaModel a, SchemaModel b) =>
        DdlBuilder.Create(a, SqliteDialect.Instance).SequenceEqual(DdlBuilder.Create(b, SqliteDialect.Instance)) &&
        DdlBuilder.Create(a, PostgresDialect.Instance).SequenceEqual(DdlBuilder.Create(b, PostgresDialect.Instance));

    public static string Checksum(IEnumerable<string> up, IEnumerable<string> down)
    {
        var text = string.Join("\n;\n", up) + "\n-- down --\n" + string.Join("\n;\n", down);
        using var sha = System.Security.Cryptography.SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
        var builder = new StringBuilder(hash.Length * 2);
        foreach (var b in hash)
        {
            builder.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    private static Dictionary<(int, string), (string Hash, LocationInfo At)> ReadChecksums(SchemaSource? source, List<DiagnosticInfo> diagnostics)
    {
        var result = new Dictionary<(int, string), (string, LocationInfo)>();
        if (source is null)
        {
            return result;
        }

        var lines = source.Text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith("#", StringComparison.Ordinal))
            {
                continue;
            }

            var parts = line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            var at = new LocationInfo(source.Path, i + 1, 1);
            if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var version) ||
                parts[1] is not ("sqlite" or "postgres") || parts[2].Length != 64)
            {
                Report(diagnostics, DiagnosticDescriptors.InvalidValue, at, line, "a checksum line", "'<version> sqlite|postgres <64 hex digits>'");
                continue;
            }

            result[(version, parts[1])] = (parts[2], at);
        }

        return result;
    }

    /// <summary>Ascending numbers with runs of three or more shortened, <c>1-4, 6, 7</c>, so a long gap stays a short message.</summary>
    private static string Ranges(List<int> numbers)
    {
        var runs = new List<string>();
        for (var i = 0; i < numbers.Count;)
        {
            var end = i;
            while (end + 1 < numbers.Count && numbers[end + 1] == numbers[end] + 1)
            {
                end++;
            }

            if (end - i < 2)
            {
                end = i;
                runs.Add(numbers[i].ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                runs.Add($"{numbers[i].ToString(CultureInfo.InvariantCulture)}-{numbers[end].ToString(CultureInfo.InvariantCulture)}");
            }

            i = end + 1;
        }

        return string.Join(", ", runs);
    }

    /// <summary>
    /// Reads and validates one schema file. A frozen version reports errors only: its design warnings were
    /// visible when it was released, and nothing can act on them now that it must not change.
    /// </summary>
    private static Parsed Parse(SchemaSource source, List<DiagnosticInfo> diagnostics, bool frozen)
    {
        var locations = new Dictionary<string, LocationInfo>(StringComparer.Ordinal);
        var found = new List<DiagnosticInfo>();
        var syntax = SchemaReader.Read(source.Path, source.Text, found);

        // Queries are not DDL: a frozen file's queries are not history, so a check added later never fails a release.
        if (frozen)
        {
            syntax?.Queries.Clear();
        }

        var model = syntax is null ? null : SchemaValidator.Validate(syntax, found, locations);
        if (model is not null && !GeneratedNames.Check(syntax!, model, found))
        {
            model = null;
        }

        diagnostics.AddRange(frozen ? found.Where(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error) : found);
        return new Parsed(source.Path, model, locations);
    }

    private static SchemaModel Empty(SchemaModel like) =>
        new(like.Name, like.Namespace, like.TypeName, 0, string.Empty, EquatableArray<EnumModel>.Empty, EquatableArray<TableModel>.Empty);

    private static ColumnModel ColumnOf(SchemaModel model, string qualified)
    {
        var dot = qualified.IndexOf('.');
        return model.Tables.First(t => t.Name == qualified.Substring(0, dot)).Columns.First(c => c.Name == qualified.Substring(dot + 1));
    }

    private static bool HasErrors(List<DiagnosticInfo> diagnostics) =>
        diagnostics.Any(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);

    private static void Report(List<DiagnosticInfo> diagnostics, Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, LocationInfo at, params string[] args) =>
        diagnostics.Add(DiagnosticInfo.Create(descriptor, at, args));

    /// <summary>A version's SQLite Up and Down written in one form, with their checksum.</summary>
    private sealed record SqliteSql(SqliteDialect Form, IReadOnlyList<string> Up, IReadOnlyList<string> Down, string Checksum)
    {
        // The Down guards are part of the checksum: they decide whether a downgrade runs at all.
        public static SqliteSql Plan(VersionChanges up, VersionChanges down, IReadOnlyList<string> downGuards, SqliteDialect previousForm, SqliteDialect form, SqliteAlterMode mode)
        {
            var upSql = SqlitePlanner.Plan(up, previousForm, form, mode);
            var downSql = SqlitePlanner.Plan(down, form, previousForm, mode);
            return new SqliteSql(form, upSql, downSql, HistoryPipeline.Checksum(upSql, downGuards.Concat(downSql)));
        }
    }

    private sealed class Parsed
    {
        public Parsed(string path, SchemaModel? model, Dictionary<string, LocationInfo> locations)
        {
            Path = path;
            Model = model;
            Locations = locations;
        }

        public string Path { get; }
        public SchemaModel? Model { get; }
        public Dictionary<string, LocationInfo> Locations { get; }

        public LocationInfo At(string key) =>
            Locations.TryGetValue(key, out var at) ? at : Locations.TryGetValue("version", out var version) ? version : new LocationInfo(Path, 1, 1);
    }
}
