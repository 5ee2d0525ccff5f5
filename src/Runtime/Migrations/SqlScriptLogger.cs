using System;
using System.IO;
using FluentMigrator.Runner;
using FluentMigrator.Runner.Logging;
using Microsoft.Extensions.Logging;

namespace AgentHive.Runtime.Migrations;

/// <summary>
/// Writes exactly the SQL FluentMigrator would execute, one statement per block ending in a semicolon,
/// with each migration's heading as an SQL comment and nothing else.
/// </summary>
internal sealed class SqlScriptLogger : FluentMigratorLogger, ILoggerProvider
{
    private readonly TextWriter _output;
    private readonly bool _echo;
    private readonly string? _connectionString;

    /// <param name="output">Where the SQL goes.</param>
    /// <param name="echo">True when the SQL is being executed and each statement is echoed as one line before it runs.</param>
    /// <param name="connectionString">Whose passwords are scrubbed from error messages.</param>
    public SqlScriptLogger(TextWriter output, bool echo = false, string? connectionString = null)
        : base(new FluentMigratorLoggerOptions { ShowSql = true, ShowElapsedTime = false })
    {
        _output = output;
        _echo = echo;
        _connectionString = connectionString;
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void Dispose()
    {
    }

    protected override void WriteSql(string sql)
    {
        var trimmed = sql.TrimEnd();
        if (_echo)
        {
            var firstLine = trimmed.Split('\n')[0];
            _output.WriteLine($"SQL: {firstLine}");
            _output.Flush();
            return;
        }

        if (trimmed.Length > 0)
        {
            _output.WriteLine(trimmed.EndsWith(';') ? trimmed : trimmed + ";");
            _output.WriteLine();
        }
    }

    protected override void WriteHeading(string message)
    {
        if (_echo)
        {
            return;
        }

        var text = message.Trim().Trim('=').Trim();
        if (text.Length > 0 && !text.Contains("PREVIEW", StringComparison.OrdinalIgnoreCase))
        {
            _output.WriteLine($"-- {text}");
        }
    }

    protected override void WriteError(string message) =>
        _output.WriteLine($"-- error: {Configuration.ConnectionStrings.Scrub(message, _connectionString)}");

    protected override void WriteError(Exception exception) => WriteError(exception.Message);

    protected override void WriteEmphasize(string message)
    {
    }

    protected override void WriteEmptySql()
    {
    }

    protected override void WriteElapsedTime(TimeSpan timeSpan)
    {
    }

    protected override void WriteSay(string message)
    {
    }
}
