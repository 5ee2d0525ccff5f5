// Consumes Agent Hive's agent_messages through the generated queue accessor and says what it does, one
// line per event, for a test to read: "claimed <id> <attempts>", then "acked <id>"; "done <count>" at the end.
// Usage: <provider> <connection> <consumer> <ack|hold> <batch> <lease-ms> <idle-ms> [<work-ms>]
// 'hold' claims one batch and keeps it without acking until killed. After "ready" it waits for a line on
// standard input, so a test can start several consumers at once; <work-ms> is spent on each batch
// before it is acked, as a consumer's work would.
using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using AgentHive;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Data;

var options = new DatabaseOptions { Provider = args[0], ConnectionString = args[1], SqliteBusyTimeoutSeconds = 60 };
var consumer = args[2];
var hold = args[3] == "hold";
var batch = int.Parse(args[4], CultureInfo.InvariantCulture);
var lease = TimeSpan.FromMilliseconds(int.Parse(args[5], CultureInfo.InvariantCulture));
var idleLimit = TimeSpan.FromMilliseconds(int.Parse(args[6], CultureInfo.InvariantCulture));
var work = TimeSpan.FromMilliseconds(args.Length > 7 ? int.Parse(args[7], CultureInfo.InvariantCulture) : 0);

using var connection = SchemaDatabase.OpenConnection(options);
using var database = new AgentHiveDatabase(connection);
var queue = database.AgentMessageQueue;
Console.WriteLine("ready");
Console.ReadLine();
var acked = 0;
var idle = Stopwatch.StartNew();
while (idle.Elapsed < idleLimit)
{
    var messages = queue.Claim(consumer, batch, lease);
    if (messages.Count == 0)
    {
        Thread.Sleep(20);
        continue;
    }

    foreach (var message in messages)
    {
        Console.WriteLine($"claimed {message.Id} {message.Attempts}");
    }

    if (hold)
    {
        Thread.Sleep(Timeout.Infinite);
    }

    Thread.Sleep(work);
    foreach (var message in messages)
    {
        if (queue.Ack(message.Id!.Value, consumer))
        {
            acked++;
            Console.WriteLine($"acked {message.Id}");
        }
    }

    idle.Restart();
}

Console.WriteLine($"done {acked}");
