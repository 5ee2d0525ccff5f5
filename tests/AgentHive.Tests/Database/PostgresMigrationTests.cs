using System.Linq;
using AgentHive.Runtime.CommandLine;
using Npgsql;
using Xunit;

namespace AgentHive.Tests.Database;

[Collection(PostgresCollection.Name)]
public sealed class PostgresMigrationTests : IntegrityContract
{
    public PostgresMigrationTests(PostgresServer server)
        : base(new PostgresTestDatabase(server))
    {
    }

    [Fact]
    public void Json_is_jsonb_and_timestamps_are_timestamptz()
    {
        Migrator.Up();

        Assert.Equal(1, Database.Scalar(
            "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'details' AND data_type = 'jsonb'"));
        Assert.Equal(1, Database.Scalar(
            "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'created_at' AND data_type = 'timestamp with time zone'"));
    }

    [Fact]
    public void Down_drops_the_trigger_functions_too()
    {
        Migrator.Up();
        Assert.True(Database.Scalar("SELECT COUNT(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proname LIKE 'fn\\_%'") >= 8);

        Migrator.Down(0);

        Assert.Equal(0, Database.Scalar("SELECT COUNT(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace"));
    }

    [Fact]
    public void Output_never_shows_the_password()
    {
        var database = (PostgresTestDatabase)Database;
        var connectionString = database.ConnectionStringForNewOwner(out var password);
        var wrongDatabase = new NpgsqlConnectionStringBuilder(connectionString) { Database = "no_such_database_here" }.ConnectionString;

        var up = Run(connectionString, "up");
        var status = Run(connectionString, "status");
        var failed = Run(wrongDatabase, "up");

        Assert.Equal(SchemaCommandLine.Success, up.Code);
        Assert.Contains("Current version: 2", status.Output);
        Assert.Equal(SchemaCommandLine.Usage, failed.Code);
        Assert.Contains("does not exist", failed.Error);
        foreach (var text in new[] { up.Output, up.Error, status.Output, status.Error, failed.Output, failed.Error })
        {
            Assert.DoesNotContain(password, text);
        }
    }

    private static (string Output, string Error, int Code) Run(string connectionString, params string[] args)
    {
        var result = Deployment.DeployCli.Run(new Runtime.Configuration.DatabaseOptions { Provider = "postgres", ConnectionString = connectionString }, args);
        return (result.Output, result.Error, result.Code);
    }

    protected override string[] ExpectedIncluded(IndexShape shape, int keyCount) => shape.Included.ToArray();
}
