using System;

namespace AgentHive.Runtime.Writing;

/// <summary>
/// A write unit ran without error, but the transaction it shared with other units did not commit, so
/// nothing it wrote is in the database. <see cref="Exception.InnerException"/> says why.
/// </summary>
public sealed class GroupCommitException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GroupCommitException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
