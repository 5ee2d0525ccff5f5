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

    public SqlScriptLogger(TextWriter output)
        : base(new FluentMigratorLoggerOptions { ShowSql = true, ShowElapsedTime = false }) => _output = output;

    public ILogger CreateLogger(string categoryName) => this;

    public void Dispose()
    {
    }

    protected override void WriteSql(string sql)
    {
        var trimmed = sql.TrimEnd();
        if (trimmed.Length > 0)
        {
            _output.WriteLine(trimmed.EndsWith(';') ? trimmed : trimmed + ";");
            _output.WriteLine();
        }
    }

    protected override void WriteHeading(string message)
    {
        var text = message.Trim().Trim('=').Trim();
        if (text.Length > 0 && !text.Contains("PREVIEW", StringComparison.OrdinalIgnoreCase))
        {
            _output.WriteLine($"-- {text}");
        }
    }

    protected override void WriteError(string message) => _output.WriteLine($"-- error: {message}");

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
