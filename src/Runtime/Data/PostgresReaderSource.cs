using System;
using System.Data.Common;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;
using Npgsql;

namespace AgentHive.Runtime.Data;

/// <summary>
/// Hands out Npgsql's reader as a <see cref="ValueTask{DbDataReader}"/> without an async layer per call.
/// <c>DbCommand.ExecuteReaderAsync</c> on an NpgsqlCommand runs an async wrapper around
/// <c>NpgsqlCommand.ExecuteReaderAsync</c> only to widen its <c>Task&lt;NpgsqlDataReader&gt;</c>: a task and a state
/// machine per read (about 200 B). This source is reused by one prepared command (which runs one read at a time,
/// like its connection) and completes from the typed task's continuation instead.
/// </summary>
internal sealed class PostgresReaderSource : IValueTaskSource<DbDataReader>
{
    private readonly Action _completed;
    private ManualResetValueTaskSourceCore<DbDataReader> _core;
    private Task<NpgsqlDataReader>? _pending;

    public PostgresReaderSource() => _completed = Completed;

    /// <summary>The reader <paramref name="execution"/> yields, as a value task.</summary>
    public ValueTask<DbDataReader> Await(Task<NpgsqlDataReader> execution)
    {
        if (execution.IsCompleted)
        {
            return new ValueTask<DbDataReader>(execution.GetAwaiter().GetResult());
        }

        _core.Reset();
        _pending = execution;
        execution.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_completed);
        return new ValueTask<DbDataReader>(this, _core.Version);
    }

    public DbDataReader GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Completed()
    {
        var execution = _pending!;
        _pending = null;
        try
        {
            _core.SetResult(execution.GetAwaiter().GetResult());
        }
        catch (Exception ex)
        {
            _core.SetException(ex);
        }
    }
}
