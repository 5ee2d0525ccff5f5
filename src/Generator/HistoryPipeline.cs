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

    public static bool IsInput(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        return string.Equals(name, SchemaFileName, StringComparison.OrdinalIgnoreCase) || name == ChecksumFileName || FrozenName.IsMatch(name);
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
        var schemas = sources.Where(s => string.Equals(System.IO.Path.GetFileName(s.Path), SchemaFileName, StringComparison.OrdinalIgnoreCase)).ToList();
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

        var current = Parse(schemas[0], diagnostics);
        var frozen = new SortedDictionary<int, Parsed>();
        foreach (var source in sources.OrderBy(s => s.Path, StringComparer.Ordinal))
        {
            var match = FrozenName.Match(System.IO.Path.GetFileName(source.Path));
            if (!match.Success)
            {
                continue;
            }

            var number = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var parsed = Parse(source, diagnostics);
            if (parsed.Model is { } m && m.Version != number)
            {
                Report(diagnostics, DiagnosticDescriptors.FrozenVersionMismatch, parsed.At("version"),
                    System.IO.Path.GetFileName(source.Path), number.ToString(CultureInfo.InvariantCulture), m.Version.ToString(CultureInfo.InvariantCulture));
            }

            frozen[number] = parsed;
        }

        var checksumSource = sources.FirstOrDefault(s => System.IO.Path.GetFileName(s.Path) == ChecksumFileName);
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
                version.ToString(CultureInfo.InvariantCulture), string.Join(", ", missing));
            return null;
        }

        var chain = Enumerable.Range(1, version).Select(v => v == version && !frozen.ContainsKey(v) ? current : frozen[v]).ToList();
        var plans = new List<VersionPlan>();
        var previous = Empty(currentModel);
        for (var i = 0; i < chain.Count; i++)
        {
            var step = chain[i];
            var isFrozen = frozen.ContainsKey(i + 1);
            plans.Add(Plan(previous, step, isFrozen, checksums, checksumSource?.Path ?? step.Path, diagnostics));
            previous = step.Model!;
        }

        return HasErrors(diagnostics) ? null : new HistoryModel(currentModel, plans.ToEquatableArray());
    }

    private static VersionPlan Plan(SchemaModel previous, Parsed step, bool isFrozen, Dictionary<(int, string), (string Hash, LocationInfo At)> checksums,
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
        var lost = up.DataLoss();
        CheckLosses(lost, model.AllowDataLossUp, "up", step, version, diagnostics);
        CheckLosses(previous.Version == 0 ? new List<DataLossItem>() : down.DataLoss(), model.AllowDataLossDown, "down", step, version, diagnostics);
        foreach (var missing in up.MissingValues())
        {
            Report(diagnostics, DiagnosticDescriptors.NotNullWithoutValue, step.At($"column:{missing.Table}.{missing.Column}"),
                version, $"{missing.Table}.{missing.Column}", missing.IsNew ? "as a new column" : "where it was nullable");
        }

        var sqliteUp = SqlitePlanner.Plan(up);
        var sqliteDown = SqlitePlanner.Plan(down);
        var postgresUp = PostgresPlanner.Plan(up);
        var postgresDown = PostgresPlanner.Plan(down);
        var sqliteChecksum = Checksum(sqliteUp, sqliteDown);
        var postgresChecksum = Checksum(postgresUp, postgresDown);
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

        return new VersionPlan(model.Version, model.Description.Length > 0 ? model.Description : $"{model.Name} version {model.Version}", isFrozen,
            sqliteUp.ToEquatableArray(), sqliteDown.ToEquatableArray(), postgresUp.ToEquatableArray(), postgresDown.ToEquatableArray(),
            sqliteChecksum, postgresChecksum, lost.Select(l => l.Description).ToEquatableArray());
    }

    private static void CheckLosses(IReadOnlyList<DataLossItem> losses, EquatableArray<string> allowed, string direction, Parsed step,
        string version, List<DiagnosticInfo> diagnostics)
    {
        foreach (var loss in losses.Where(l => !allowed.Contains(l.Key)))
        {
            Report(diagnostics, DiagnosticDescriptors.DataLoss, step.At("version"),
                version, direction == "up" ? "loses data" : "cannot be reverted without losing data", loss.Description, loss.Key, "." + direction);
        }

        foreach (var entry in allowed.Where(a => losses.All(l => l.Key != a)))
        {
            Report(diagnostics, DiagnosticDescriptors.UnusedDataLossAllowance, step.At($"loss-{direction}:{entry}"), entry, "." + direction, version);
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

    private static Parsed Parse(SchemaSource source, List<DiagnosticInfo> diagnostics)
    {
        var locations = new Dictionary<string, LocationInfo>(StringComparer.Ordinal);
        var syntax = SchemaReader.Read(source.Path, source.Text, diagnostics);
        var model = syntax is null ? null : SchemaValidator.Validate(syntax, diagnostics, locations);
        if (model is not null && !GeneratedNames.Check(syntax!, model, diagnostics))
        {
            model = null;
        }

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
