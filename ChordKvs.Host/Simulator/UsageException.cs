namespace ChordKvs.Host.Simulator;

/// <summary>The <c>simulate</c> command line is wrong; the message says what to change.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
