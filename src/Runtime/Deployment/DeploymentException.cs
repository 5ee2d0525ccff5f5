using System;
using System.Collections.Generic;
using AgentHive.Runtime.Configuration;
using Npgsql;

namespace AgentHive.Runtime.Deployment;

/// <summary>Why a deployment command did not do what it was asked.</summary>
public enum DeploymentFailureKind
{
    /// <summary>The database operation failed; the version it was running was rolled back.</summary>
    Failed,

    /// <summary>Bad usage or configuration: the message says what to change. Nothing was touched.</summary>
    Usage,

    /// <summary>Another deployer held the migration lock past the timeout.</summary>
    LockTimeout,

    /// <summary>The database records versions or checksums this build does not have; nothing was changed.</summary>
    HistoryMismatch,
}

/// <summary>
/// A deployment failure told in one sentence that says what to change, with every secret scrubbed.
/// It carries no inner exception: driver exceptions may quote a connection string.
/// </summary>
public sealed class DeploymentException : InvalidOperationException
{
    /// <summary>Creates the exception; <paramref name="message"/> must already be free of secrets.</summary>
    public DeploymentException(DeploymentFailureKind kind, string message)
        : base(message) => Kind = kind;

    /// <summary>What kind of failure this is.</summary>
    public DeploymentFailureKind Kind { get; }

    /// <summary>Tells any exception from a deployment as a <see cref="DeploymentException"/>, scrubbed of secrets.</summary>
    public static DeploymentException From(Exception exception, DatabaseOptions? options)
    {
        if (exception is DeploymentException known)
        {
            return known;
        }

        var connectionString = options?.ConnectionString;
        if (exception is DatabaseLocationException)
        {
            return new DeploymentException(DeploymentFailureKind.Usage, "Configuration error: " + ConnectionStrings.Scrub(exception.Message, connectionString));
        }

        if (exception is MigrationLockTimeoutException)
        {
            return new DeploymentException(DeploymentFailureKind.LockTimeout, ConnectionStrings.Scrub(exception.Message, connectionString));
        }

        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } && options is not null)
            {
                return MissingPostgresDatabase(options);
            }
        }

        return new DeploymentException(DeploymentFailureKind.Failed, ConnectionStrings.Scrub(MessageChain(exception), connectionString));
    }

    private static DeploymentException MissingPostgresDatabase(DatabaseOptions options)
    {
        var target = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        var user = string.IsNullOrEmpty(target.Username) ? string.Empty : $" -U {target.Username}";
        return new DeploymentException(DeploymentFailureKind.Usage,
            $"The PostgreSQL database '{target.Database}' does not exist on {target.Host}:{target.Port}. Create it first, " +
            $"e.g. `createdb -h {target.Host} -p {target.Port}{user} {target.Database}` or, connected to another database, " +
            $"`CREATE DATABASE \"{target.Database}\";`, then run the command again.");
    }

    /// <summary>
    /// The messages of an exception and its inner ones, joined (FluentMigrator and the drivers wrap the one that
    /// says what went wrong). Not scrubbed: pass the result through <see cref="ConnectionStrings.Scrub"/>.
    /// </summary>
    public static string MessageChain(Exception exception)
    {
        var messages = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (!messages.Contains(current.Message))
            {
                messages.Add(current.Message);
            }
        }

        return string.Join(" -> ", messages);
    }
}
