using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ChordKvs.Transport.Http;

/// <summary>
/// Reads a request body into memory only while it stays within a limit, so a client cannot make a node buffer
/// more than one value's worth of bytes, whatever it declares or sends.
/// </summary>
internal static class BoundedBodyReader
{
    /// <summary>What reading a body came to.</summary>
    /// <param name="Body">The whole body; null when it was refused.</param>
    /// <param name="TooLarge">Whether it was refused for exceeding the limit.</param>
    /// <param name="ObservedBytes">For a body too large: its declared length, or the bytes received before it was refused.</param>
    /// <param name="MalformedStatus">For a body the server could not read (bad chunking, timeout): the status the server names.</param>
    /// <param name="MalformedReason">For a body the server could not read: why.</param>
    public readonly record struct Result(byte[]? Body, bool TooLarge, long ObservedBytes, int MalformedStatus, string? MalformedReason);

    /// <summary>Reads the whole body when it has at most <paramref name="maxBytes"/> bytes.</summary>
    /// <remarks>
    /// A declared <c>Content-Length</c> over the limit is refused before a byte is read. Without one (chunked
    /// transfer), bytes are counted as they arrive: the pipe holds at most the limit plus one read's worth before
    /// the body is refused. The server's own body limit is set to just over the limit, so it never cuts a valid
    /// body short and never drains more than that of a refused one.
    /// </remarks>
    public static async ValueTask<Result> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            return new Result(null, TooLarge: true, declared, 0, null);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = (long)maxBytes + 1;
        }

        var reader = request.BodyReader;
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(cancellationToken);
                var buffer = read.Buffer;
                if (buffer.Length > maxBytes)
                {
                    var observed = buffer.Length;
                    reader.AdvanceTo(buffer.End);
                    return new Result(null, TooLarge: true, observed, 0, null);
                }

                if (read.IsCompleted)
                {
                    var body = buffer.ToArray();
                    reader.AdvanceTo(buffer.End);
                    return new Result(body, TooLarge: false, body.Length, 0, null);
                }

                // Nothing consumed, everything examined: the next read waits for more bytes.
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server's own limit fired first, within one read of ours.
            return new Result(null, TooLarge: true, (long)maxBytes + 1, 0, null);
        }
        catch (BadHttpRequestException ex)
        {
            return new Result(null, TooLarge: false, 0, ex.StatusCode, ex.Message);
        }
    }
}
