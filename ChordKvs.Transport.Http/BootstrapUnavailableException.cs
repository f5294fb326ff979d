namespace ChordKvs.Transport.Http;

/// <summary>The join URL does not lead to a ring member (yet).</summary>
internal sealed class BootstrapUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
