using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using AgentHive.Runtime.CommandLine;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Deployment;
using AgentHive.Runtime.Hosting;
using AgentHive.Tests.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace AgentHive.Tests.Deployment;

/// <summary>
/// The SQLite migration lock belongs to the database file, however the connection string spells it, and
/// only a lock held by another deployer is waited for.
/// </summary>
public sealed class SqliteLockTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    private string Folder => Path.GetDirectoryName(_database.FilePath)!;

    public void Dispose() => _database.Dispose();

    private static readonly string[] SpellingNames =
    {
        "symlink", "dangling symlink", "file URI", "file URI with localhost", "percent-encoded file URI", "dot-dot path", "symlinked folder",
    };

    public static TheoryData<string> Spellings => new(SpellingNames);

    [Theory]
    [MemberData(nameof(Spellings))]
    public void Another_spelling_of_the_same_file_waits_for_the_lock(string spelling)
    {
        var exists = spelling != "dangling symlink";
        if (exists)
        {
            Assert.Equal(0, MigratorProcess.Run(_database.Options, "up", "--to", "1").Code);
        }

        using var held = MigrationLock.Acquire(_database.Options, Identity, TimeSpan.FromSeconds(5));

        using var other = MigratorProcess.Start(Sqlite(Spell(spelling)),
            new Dictionary<string, string> { ["AgentHive__Database__LockTimeoutSeconds"] = "2" }, "up");
        var code = other.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.True(code == SchemaCommandLine.LockTimeout, $"{spelling}: exit {code}\n{other.Output}");
        // Through a linked folder the lock file has another spelling but is the same file (inode), which is what flock locks.
        Assert.Contains(spelling == "symlinked folder" ? "Waiting for the migration lock on " : $"Waiting for the migration lock on {_database.FilePath}.migrate-lock", other.Output);
        Assert.Equal(exists ? 1 : 0, Applied());
    }

    [Fact]
    public void Deployers_racing_through_different_spellings_apply_each_version_once()
    {
        var spellings = new[] { _database.Options.ConnectionString, Spell("file URI"), Spell("symlink"), Spell("dot-dot path") };

        var deployers = spellings.Concat(spellings).Select(s => MigratorProcess.Start(Sqlite(s), "up")).ToList();
        var codes = deployers.Select(d => d.WaitForExit(TimeSpan.FromSeconds(180))).ToList();

        var outputs = string.Join("\n---\n", deployers.Select(d => d.Output));
        Assert.True(codes.All(c => c == SchemaCommandLine.Success), outputs);
        Assert.Equal(1, outputs.Split("Applying 1:").Length - 1);
        Assert.Equal(1, outputs.Split("Applying 2:").Length - 1);
        foreach (var deployer in deployers)
        {
            deployer.Dispose();
        }

        Assert.Equal(2, Applied());
    }

    [Fact]
    public void Every_spelling_names_the_same_lock_file()
    {
        File.WriteAllBytes(_database.FilePath, Array.Empty<byte>());
        var expected = _database.FilePath + ".migrate-lock";

        foreach (var spelling in SpellingNames.Where(s => s is not "dangling symlink" and not "symlinked folder"))
        {
            Assert.Equal(expected, MigrationLock.SqliteLockFile(Spell(spelling)));
        }

        var relative = Path.GetRelativePath(Environment.CurrentDirectory, _database.FilePath);
        Assert.Equal(expected, MigrationLock.SqliteLockFile($"Data Source={relative}"));
        Assert.Equal(expected, MigrationLock.SqliteLockFile($"Data Source=./{relative}"));
        Assert.Null(MigrationLock.SqliteLockFile("Data Source=file:memdb?mode=memory&cache=shared"));
        Assert.Null(MigrationLock.SqliteLockFile("Data Source=:memory:"));
        Assert.Null(MigrationLock.SqliteLockFile("Data Source=file::memory:?cache=shared"));
        Assert.Null(MigrationLock.SqliteLockFile("Data Source=agent_hive.db;Mode=Memory"));
    }

    public static TheoryData<string, string> UnusableLocations => new()
    {
        { "missing folder", "does not exist" },
        { "file where a folder is expected", "does not exist (or a part of that path is not a folder)" },
        { "name too long", "longer than the file system allows" },
        { "no permission", "permission denied" },
        { "read-only file system", "Read-only file system" },
    };

    [Theory]
    [MemberData(nameof(UnusableLocations))]
    public void An_unusable_location_is_a_configuration_error_at_once_not_a_wait(string kind, string expected)
    {
        using var location = UnusableLocation.Create(kind, Folder);
        var watch = Stopwatch.StartNew();

        var (code, output) = MigratorProcess.Run(Sqlite($"Data Source={location.DatabasePath}"), "up");

        Assert.True(code == SchemaCommandLine.Usage, $"{kind}: exit {code}\n{output}");
        Assert.Contains(expected, output);
        Assert.DoesNotContain("Waiting for the migration", output);
        Assert.DoesNotContain("another deployer", output);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"{kind}: took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_hosted_service_reports_a_missing_folder_at_once()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AgentHive:Database:Provider"] = "sqlite",
            ["AgentHive:Database:ConnectionString"] = $"Data Source={Path.Combine(Folder, "missing", "agent_hive.db")}",
        });
        builder.Services.AddLogging();
        builder.Services.AddAgentHiveDatabase(builder.Configuration, AgentHiveBuild.Assembly);
        using var host = builder.Build();
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<DeploymentException>(() => host.StartAsync());

        Assert.Equal(DeploymentFailureKind.Usage, error.Kind);
        Assert.Contains($"the folder '{Path.Combine(Folder, "missing")}' does not exist", error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    private static string Identity => BuiltMigrations.SchemaIdentity(AgentHiveBuild.Assembly);

    private static DatabaseOptions Sqlite(string connectionString) => new() { Provider = "sqlite", ConnectionString = connectionString };

    private long Applied()
    {
        if (!File.Exists(_database.FilePath))
        {
            return 0;
        }

        return _database.Scalar("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'agenthive_schema_versions'") == 0
            ? 0
            : _database.Scalar("SELECT COALESCE(MAX(version), 0) FROM agenthive_schema_versions");
    }

    /// <summary>A connection string naming the test database another way.</summary>
    private string Spell(string spelling)
    {
        var name = Path.GetFileName(_database.FilePath);
        switch (spelling)
        {
            case "symlink":
            case "dangling symlink":
                var alias = Path.Combine(Folder, "alias.db");
                if (!File.Exists(alias) && new FileInfo(alias).LinkTarget is null)
                {
                    File.CreateSymbolicLink(alias, name);
                }

                return $"Data Source={alias}";
            case "file URI":
                return $"Data Source=file:{_database.FilePath}?cache=private";
            case "file URI with localhost":
                return $"Data Source=file://localhost{_database.FilePath}";
            case "percent-encoded file URI":
                return $"Data Source=file:{_database.FilePath.Replace("/agent_hive.db", "/agent%5Fhive.db")}?mode=rwc";
            case "dot-dot path":
                Directory.CreateDirectory(Path.Combine(Folder, "sub"));
                return $"Data Source={Folder}/sub/../{name}";
            case "symlinked folder":
                var linked = Path.Combine(Folder, "same-folder");
                if (!Directory.Exists(linked))
                {
                    Directory.CreateSymbolicLink(linked, ".");
                }

                return $"Data Source={Path.Combine(linked, name)}";
            default:
                throw new ArgumentOutOfRangeException(nameof(spelling), spelling, null);
        }
    }

    /// <summary>A database path the deployer cannot use, for one reason, and its cleanup.</summary>
    private sealed class UnusableLocation : IDisposable
    {
        private readonly Action _cleanup;

        private UnusableLocation(string databasePath, Action cleanup)
        {
            DatabasePath = databasePath;
            _cleanup = cleanup;
        }

        public string DatabasePath { get; }

        public static UnusableLocation Create(string kind, string folder)
        {
            switch (kind)
            {
                case "missing folder":
                    return new UnusableLocation(Path.Combine(folder, "missing", "agent_hive.db"), () => { });
                case "file where a folder is expected":
                    var file = Path.Combine(folder, "plain-file");
                    File.WriteAllText(file, "not a folder");
                    return new UnusableLocation(Path.Combine(file, "agent_hive.db"), () => { });
                case "name too long":
                    return new UnusableLocation(Path.Combine(folder, new string('a', 300) + ".db"), () => { });
                case "no permission":
                    // sysfs refuses new files to every user, root included (chmod would not stop root).
                    return new UnusableLocation("/sys/agent_hive.db", () => { });
                case "read-only file system":
                    var mount = Path.Combine(folder, "read-only");
                    Directory.CreateDirectory(mount);
                    RunOrFail("mount", $"-t tmpfs -o ro tmpfs {mount}",
                        "mounting a read-only tmpfs needs root (CI runs as root); this test checks the EROFS error of a real read-only file system");
                    return new UnusableLocation(Path.Combine(mount, "agent_hive.db"), () => RunOrFail("umount", mount, "could not unmount the test's tmpfs"));
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
            }
        }

        public void Dispose() => _cleanup();

        private static void RunOrFail(string program, string arguments, string why)
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, UseShellExecute = false })!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{program} {arguments} failed ({error.Trim()}): {why}");
        }
    }
}
