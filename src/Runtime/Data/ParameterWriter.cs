using System;
using System.Data.Common;

namespace AgentHive.Runtime.Data;

/// <summary>Writes values into a command's parameters, in order; <see cref="Reset"/> starts again at the first.</summary>
public abstract class ParameterWriter : RowWriter
{
    private DbParameter[] _parameters;
    private int _next;

    /// <summary>Writes into <paramref name="parameters"/>.</summary>
    protected ParameterWriter(DbParameter[] parameters) => _parameters = parameters;

    /// <summary>Starts again at the first parameter.</summary>
    public ParameterWriter Reset()
    {
        _next = 0;
        return this;
    }

    /// <summary>Writes into other parameters from now on (a batch's next command), starting at the first.</summary>
    public ParameterWriter Target(DbParameter[] parameters)
    {
        _parameters = parameters;
        _next = 0;
        return this;
    }

    /// <summary>The parameter the next value goes to.</summary>
    protected DbParameter Next()
    {
        if (_next >= _parameters.Length)
        {
            throw new InvalidOperationException($"The statement has {_parameters.Length} parameters; more values were written.");
        }

        return _parameters[_next++];
    }

    /// <inheritdoc/>
    protected override void WriteNull(DbValueKind kind) => Next().Value = DBNull.Value;
}
