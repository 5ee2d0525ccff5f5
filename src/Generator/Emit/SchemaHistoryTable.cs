using System.Globalization;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>
/// agenthive_schema_history: one row per applied version with the checksum of the SQL it ran and the
/// generator that wrote it. Migrations create it when missing, so they need nothing prepared for them.
/// </summary>
public static class SchemaHistoryTable
{
    public const string Name = "agenthive_schema_history";

    public static string Create(ISqlDialect dialect)
    {
        var integer = dialect.ColumnType(new ColumnModel("version", "Version", ColumnKind.BigInt, null, false, null, null));
        var text = dialect.ColumnType(new ColumnModel("description", "Description", ColumnKind.Text, null, false, null, null));
        var timestamp = dialect.ColumnType(new ColumnModel("applied_at", "AppliedAt", ColumnKind.Timestamp, null, false, null, null));
        return $"CREATE TABLE IF NOT EXISTS {SqlText.Quote(Name)} (\n" +
               $"    \"version\" {integer} NOT NULL CONSTRAINT \"pk_{Name}\" PRIMARY KEY,\n" +
               $"    \"description\" {text} NOT NULL,\n" +
               $"    \"checksum\" {text} NOT NULL,\n" +
               $"    \"applied_at\" {timestamp} NOT NULL,\n" +
               $"    \"tool_version\" {text} NOT NULL\n" +
               $"){dialect.TableOptions}";
    }

    public static string Insert(ISqlDialect dialect, int version, string description, string checksum, string toolVersion) =>
        $"INSERT INTO {SqlText.Quote(Name)} (\"version\", \"description\", \"checksum\", \"applied_at\", \"tool_version\") VALUES (" +
        $"{version.ToString(CultureInfo.InvariantCulture)}, {SqlText.Literal(description)}, {SqlText.Literal(checksum)}, " +
        $"{dialect.Default(new DefaultModel(DefaultKind.Now, string.Empty))}, {SqlText.Literal(toolVersion)})";

    public static string Delete(int version) =>
        $"DELETE FROM {SqlText.Quote(Name)} WHERE \"version\" = {version.ToString(CultureInfo.InvariantCulture)}";
}
