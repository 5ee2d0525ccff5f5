using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Sqlite;
using AgentHive.Runtime.Writing;
using Microsoft.Data.Sqlite;

// writer-process <connections|group-commit> <connection string> <writers> <transactions per writer> <row prefix> <start at, UTC ticks>
// Each transaction inserts two rows into writes(key); prints "busy=N failed=N" and exits 0 only when every transaction committed.
if (args.Length != 6)
{
    Console.Error.WriteLine("usage: writer-process <connections|group-commit> <connection string> <writers> <transactions> <prefix> <start ticks>");
    return 2;
}

var mode = args[0];
var connectionString = args[1];
var writers = int.Parse(args[2], CultureInfo.InvariantCulture);
var transactions = int.Parse(args[3], CultureInfo.InvariantCulture);
var prefix = args[4];
var startAt = new DateTime(long.Parse(args[5], CultureInfo.InvariantCulture), DateTimeKind.Utc);
long busy = 0, failed = 0;

void Count(Exception ex)
{
    if (ex is SqliteException { SqliteErrorCode: 5 or 6 })
    {
        Interlocked.Increment(ref busy);
    }
    else
    {
        Interlocked.Increment(ref failed);
    }

    Console.Error.WriteLine(ex.GetType().Name + ": " + ex.Message);
}

static void Insert(SqliteConnection connection, SqliteTransaction? transaction, string key)
{
    using var command = connection.CreateCommand();
    command.Transaction = transaction;
    command.CommandText = "INSERT INTO writes (key) VALUES ($key)";
    command.Parameters.AddWithValue("$key", key);
    command.ExecuteNonQuery();
}

var delay = startAt - DateTime.UtcNow;
if (delay > TimeSpan.Zero)
{
    Thread.Sleep(delay);
}

if (mode == "group-commit")
{
    await using var writer = new SqliteGroupCommitWriter(connectionString);
    await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
    {
        for (var t = 0; t < transactions; t++)
        {
            try
            {
                await writer.WriteAsync(connection =>
                {
                    Insert(connection, null, $"{prefix}-{w}-{t}-a");
                    Insert(connection, null, $"{prefix}-{w}-{t}-b");
                });
            }
            catch (Exception ex)
            {
                Count(ex);
            }
        }
    })));
}
else
{
    var threads = Enumerable.Range(0, writers).Select(w => new Thread(() =>
    {
        using var connection = SqliteConnectionSetup.Open(connectionString);
        for (var t = 0; t < transactions; t++)
        {
            try
            {
                using var transaction = connection.BeginTransaction();
                Insert(connection, transaction, $"{prefix}-{w}-{t}-a");
                Insert(connection, transaction, $"{prefix}-{w}-{t}-b");
                transaction.Commit();
            }
            catch (Exception ex)
            {
                Count(ex);
            }
        }
    })).ToList();
    threads.ForEach(t => t.Start());
    threads.ForEach(t => t.Join());
}

Console.WriteLine($"busy={busy} failed={failed}");
return busy + failed == 0 ? 0 : 1;
