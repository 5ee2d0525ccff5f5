using System;
using System.Collections.Generic;
using System.Data;
using System.Data.Common;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Configuration;
using Npgsql;
using NpgsqlTypes;

namespace AgentHive.Runtime.Data;

/// <summary>
/// PostgreSQL: native types with typed parameters, truly async through Npgsql. Many rows go in by binary
/// COPY when no id has to come back; when the ids are wanted, or some rows carry their own id, by
/// batches of inserts (NpgsqlBatch, one round trip per <see cref="BatchSize"/> rows) with RETURNING.
/// </summary>
internal sealed class PostgresDataBackend : DataBackend
{
    /// <summary>Rows per NpgsqlBatch round trip.</summary>
    public const int BatchSize = 500;

    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public override bool RunsSynchronously => false;

    public override string Sql(Statement statement) => statement.Postgres;

    public override DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override decimal ReadDecimal(DbDataReader reader, int ordinal, int scale) => reader.GetDecimal(ordinal);

    public override DateOnly ReadDate(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateOnly>(ordinal);

    public override TimeOnly ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<TimeOnly>(ordinal);

    /// <summary>A typed parameter per kind: its value is set without boxing (<see cref="PostgresParameterWriter"/>).</summary>
    internal override DbParameter CreateParameter(string name, DbValueKind kind) => kind switch
    {
        DbValueKind.Int64 => new NpgsqlParameter<long?>(name, NpgsqlDbType.Bigint),
        DbValueKind.Int32 => new NpgsqlParameter<int?>(name, NpgsqlDbType.Integer),
        DbValueKind.Int16 => new NpgsqlParameter<short?>(name, NpgsqlDbType.Smallint),
        DbValueKind.Double => new NpgsqlParameter<double?>(name, NpgsqlDbType.Double),
        DbValueKind.Boolean => new NpgsqlParameter<bool?>(name, NpgsqlDbType.Boolean),
        DbValueKind.Json => new NpgsqlParameter<string?>(name, NpgsqlDbType.Jsonb),
        DbValueKind.Timestamp => new NpgsqlParameter<DateTimeOffset?>(name, NpgsqlDbType.TimestampTz),
        DbValueKind.Decimal => new NpgsqlParameter<decimal?>(name, NpgsqlDbType.Numeric),
        DbValueKind.Date => new NpgsqlParameter<DateOnly?>(name, NpgsqlDbType.Date),
        DbValueKind.Time => new NpgsqlParameter<TimeOnly?>(name, NpgsqlDbType.Time),
        DbValueKind.Uuid => new NpgsqlParameter<Guid?>(name, NpgsqlDbType.Uuid),
        DbValueKind.Blob => new NpgsqlParameter<byte[]?>(name, NpgsqlDbType.Bytea),
        _ => new NpgsqlParameter<string?>(name, NpgsqlDbType.Text),
    };

    internal override ParameterWriter CreateWriter(DbParameter[] parameters) => new PostgresParameterWriter(parameters);

    internal override ValueTask<DbDataReader> ExecuteReaderAsync(PreparedCommand command, CommandBehavior behavior, CancellationToken cancellationToken)
    {
        var source = command.ReaderSource ??= new PostgresReaderSource();
        return source.Await(((NpgsqlCommand)command.Command).ExecuteReaderAsync(behavior, cancellationToken));
    }

    internal override int InsertMany<T>(SchemaDatabase database, IReadOnlyList<T> rows, InsertPlan<T> plan)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        if (plan.PostgresCopy is null || plan.AnyHasId(rows))
        {
            Batches(database, rows, plan, null);
            return rows.Count;
        }

        var connection = (NpgsqlConnection)database.Connection;
        using var importer = connection.BeginBinaryImport(plan.PostgresCopy);
        var writer = new PostgresCopyWriter(importer);
        for (var i = 0; i < rows.Count; i++)
        {
            importer.StartRow();
            plan.Write(rows[i], writer, withId: false);
        }

        return checked((int)importer.Complete());
    }

    internal override async ValueTask<int> InsertManyAsync<T>(SchemaDatabase database, IReadOnlyList<T> rows, InsertPlan<T> plan, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        if (plan.PostgresCopy is null || plan.AnyHasId(rows))
        {
            await BatchesAsync(database, rows, plan, null, cancellationToken).ConfigureAwait(false);
            return rows.Count;
        }

        var connection = (NpgsqlConnection)database.Connection;
        var importer = await connection.BeginBinaryImportAsync(plan.PostgresCopy, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            var writer = new PostgresCopyWriter(importer);
            for (var i = 0; i < rows.Count; i++)
            {
                // Values go into Npgsql's write buffer; StartRowAsync flushes it asynchronously when full.
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                plan.Write(rows[i], writer, withId: false);
            }

            return checked((int)await importer.CompleteAsync(cancellationToken).ConfigureAwait(false));
        }
    }

    internal override long[] InsertManyReturningIds<T>(SchemaDatabase database, IReadOnlyList<T> rows, InsertPlan<T> plan)
    {
        var ids = new long[rows.Count];
        Batches(database, rows, plan, ids);
        return ids;
    }

    internal override async ValueTask<long[]> InsertManyReturningIdsAsync<T>(SchemaDatabase database, IReadOnlyList<T> rows, InsertPlan<T> plan, CancellationToken cancellationToken)
    {
        var ids = new long[rows.Count];
        await BatchesAsync(database, rows, plan, ids, cancellationToken).ConfigureAwait(false);
        return ids;
    }

    private void Batches<T>(SchemaDatabase database, IReadOnlyList<T> rows, InsertPlan<T> plan, long[]? ids)
    {
        for (var start = 0; start < rows.Count; start += BatchSize)
        {
            using var batch = Batch(database, rows, plan, start, ids);
            if (ids is null)
            {
                batch.ExecuteNonQuery();
                continue;
            }

            using var reader = batch.ExecuteReader();
            for (var i = start; i < Math.Min(start + BatchSize, rows.Count); i++)
            {
                reader.Read();
                ids[i] = reader.GetInt64(0);
                reader.NextResult();
            }
        }
    }

    private async ValueTask BatchesAsync<T>(SchemaDatabase database, IReadOnlyList<T> rows, InsertPlan<T> plan, long[]? ids, CancellationToken cancellationToken)
    {
        for (var start = 0; start < rows.Count; start += BatchSize)
        {
            await using var batch = Batch(database, rows, plan, start, ids);
            if (ids is null)
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            for (var i = start; i < Math.Min(start + BatchSize, rows.Count); i++)
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                ids[i] = reader.GetInt64(0);
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private NpgsqlBatch Batch<T>(SchemaDatabase database, IReadOnlyList<T> rows, InsertPlan<T> plan, int start, long[]? ids)
    {
        var batch = new NpgsqlBatch((NpgsqlConnection)database.Connection, (NpgsqlTransaction?)database.Transaction);
        ParameterWriter? writer = null;
        for (var i = start; i < Math.Min(start + BatchSize, rows.Count); i++)
        {
            var row = rows[i];
            var withId = plan.InsertWithId is not null && plan.HasId(row);
            var statement = withId ? plan.InsertWithId! : ids is null ? plan.InsertForBatch : plan.Insert;
            var parameters = CreateParameters(statement);
            writer = writer is null ? CreateWriter(parameters) : writer.Target(parameters);
            plan.Write(row, writer, withId);
            var command = new NpgsqlBatchCommand(statement.Postgres);
            foreach (var parameter in parameters)
            {
                command.Parameters.Add((NpgsqlParameter)parameter);
            }

            batch.BatchCommands.Add(command);
        }

        return batch;
    }
}
