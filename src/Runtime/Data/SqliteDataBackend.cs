using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Configuration;
using Microsoft.Data.Sqlite;

namespace AgentHive.Runtime.Data;

/// <summary>
/// SQLite: text forms for timestamps, dates, times and UUIDs, scaled integers for decimals. Its driver
/// is synchronous, so async methods take the synchronous path. Many rows go in through one reused
/// prepared insert inside one transaction.
/// </summary>
internal sealed class SqliteDataBackend : DataBackend
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override bool RunsSynchronously => true;

    public override string Sql(Statement statement) => statement.Sqlite;

    public override DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal) => StoredForms.ParseTimestamp(reader.GetString(ordinal));

    public override decimal ReadDecimal(DbDataReader reader, int ordinal, int scale) => StoredForms.UnscaleDecimal(reader.GetInt64(ordinal), scale);

    public override DateOnly ReadDate(DbDataReader reader, int ordinal) => StoredForms.ParseDate(reader.GetString(ordinal));

    public override TimeOnly ReadTime(DbDataReader reader, int ordinal) => StoredForms.ParseTime(reader.GetString(ordinal));

    internal override DbParameter CreateParameter(string name, DbValueKind kind) => new SqliteParameter(name, kind switch
    {
        DbValueKind.Int64 or DbValueKind.Int32 or DbValueKind.Int16 or DbValueKind.Boolean or DbValueKind.Decimal => SqliteType.Integer,
        DbValueKind.Double => SqliteType.Real,
        DbValueKind.Blob => SqliteType.Blob,
        _ => SqliteType.Text,
    });

    internal override ParameterWriter CreateWriter(DbParameter[] parameters) => new SqliteParameterWriter(parameters);

    internal override int InsertMany<T>(SchemaDatabase database, IReadOnlyList<T> rows, InsertPlan<T> plan)
    {
        Insert(database, rows, plan, null);
        return rows.Count;
    }

    internal override ValueTask<int> InsertManyAsync<T>(SchemaDatabase database, IReadOnlyList<T> rows, InsertPlan<T> plan, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<int>(InsertMany(database, rows, plan));
    }

    internal override long[] InsertManyReturningIds<T>(SchemaDatabase database, IReadOnlyList<T> rows, InsertPlan<T> plan)
    {
        var ids = new long[rows.Count];
        Insert(database, rows, plan, ids);
        return ids;
    }

    internal override ValueTask<long[]> InsertManyReturningIdsAsync<T>(SchemaDatabase database, IReadOnlyList<T> rows, InsertPlan<T> plan, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<long[]>(InsertManyReturningIds(database, rows, plan));
    }

    // One transaction (the caller's, or one opened and committed here): a commit per row would sync the file per row.
    private static void Insert<T>(SchemaDatabase database, IReadOnlyList<T> rows, InsertPlan<T> plan, long[]? ids)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var own = database.Transaction is null ? database.BeginTransaction() : null;
        try
        {
            var insert = database.Prepare(ids is null ? plan.InsertForBatch : plan.Insert);
            var withId = plan.InsertWithId is { } statement ? database.Prepare(statement) : null;
            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                var explicitId = withId is not null && plan.HasId(row);
                var command = explicitId ? withId! : insert;
                plan.Write(row, command.Values, explicitId);
                if (ids is null)
                {
                    command.Command.ExecuteNonQuery();
                }
                else
                {
                    ids[i] = (long)command.Command.ExecuteScalar()!;
                }
            }

            own?.Commit();
        }
        finally
        {
            if (own is not null)
            {
                own.Dispose();
                database.Transaction = null;
            }
        }
    }
}
