using ChordKvs.Core.Replication;
using ChordKvs.Core.Storage;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace ChordKvs.Transport.Http;

/// <summary>
/// Turns <c>If-Match</c> and <c>If-None-Match</c> (RFC 9110 §13.1) into what a ChordKvs node can evaluate.
/// </summary>
/// <remarks>
/// <para>
/// Writes (<c>PUT</c>, <c>DELETE</c>) accept <c>If-Match: *</c>, <c>If-Match</c> with one entity tag, and
/// <c>If-None-Match: *</c> (create only, <c>PUT</c> only): the node evaluates them where the key lives, atomically
/// with the write. A list of several tags would need an "any of" the node cannot check in one step, so it is
/// refused with 400 rather than half-honoured. A well-formed tag that no ChordKvs version can have (a weak tag,
/// which <c>If-Match</c> compares strongly, or another server's format) makes the condition false, which is a 412.
/// </para>
/// <para>
/// Reads (<c>GET</c>) accept <c>If-None-Match: *</c> or a list of tags, compared weakly: a match answers 304.
/// </para>
/// </remarks>
internal static class PreconditionHeaders
{
    private const string TagExample = "\"0001922d3ac84a0000000000a1b2c3d4\"";

    /// <summary>What the headers of a write ask for.</summary>
    /// <param name="Conditions">The conditions to hand to the node.</param>
    /// <param name="NeverMet">Whether the conditions can be seen to fail without looking at the key (412 at once).</param>
    /// <param name="Error">Why the headers cannot be honoured (400); null when they can.</param>
    public readonly record struct WriteParse(WriteConditions Conditions, bool NeverMet, string? Error);

    /// <summary>What the <c>If-None-Match</c> header of a read asks for.</summary>
    /// <param name="Present">Whether the header was sent.</param>
    /// <param name="Any">Whether it is <c>*</c>: any current value matches.</param>
    /// <param name="Versions">The versions it lists that ChordKvs could have issued.</param>
    /// <param name="Error">Why the header is malformed (400); null when it is fine.</param>
    public readonly record struct ReadParse(bool Present, bool Any, IReadOnlyList<EntryVersion> Versions, string? Error)
    {
        /// <summary>Whether a current value of version <paramref name="current"/> matches, so the answer is 304.</summary>
        public bool Matches(EntryVersion current) => Present && (Any || Versions.Contains(current));
    }

    /// <summary>Parses the preconditions of a <c>PUT</c> (<paramref name="allowIfNoneMatch"/>) or <c>DELETE</c>.</summary>
    public static WriteParse ParseWrite(StringValues ifMatch, StringValues ifNoneMatch, bool allowIfNoneMatch)
    {
        var conditions = WriteConditions.None;
        var neverMet = false;
        if (!StringValues.IsNullOrEmpty(ifMatch))
        {
            if (!TryParseList(ifMatch, out var tags))
            {
                return Error($"If-Match must be * or an entity tag in double quotes, such as {TagExample}, as sent in the ETag header.");
            }

            if (tags.Count > 1)
            {
                return Error("If-Match lists several entity tags; ChordKvs checks a write against one: send * or the single ETag you read.");
            }

            var tag = tags[0];
            if (tag.Equals(EntityTagHeaderValue.Any))
            {
                conditions = conditions with { IfExists = true };
            }
            else if (!tag.IsWeak && EntryVersion.TryParseETag(tag.Tag.Value, out var version))
            {
                conditions = conditions with { IfMatch = version };
            }
            else
            {
                // Well-formed, but no stored version can carry it: If-Match is false whatever the key holds.
                neverMet = true;
            }
        }

        if (!StringValues.IsNullOrEmpty(ifNoneMatch))
        {
            if (!allowIfNoneMatch)
            {
                return Error("If-None-Match is not supported on DELETE; use If-Match to make a delete conditional.");
            }

            if (!TryParseList(ifNoneMatch, out var tags) || tags.Count != 1 || !tags[0].Equals(EntityTagHeaderValue.Any))
            {
                return Error("On PUT, If-None-Match supports only * (create the key only if it has no value); to replace a known version use If-Match.");
            }

            conditions = conditions with { IfAbsent = true };
        }

        return new WriteParse(conditions, neverMet, null);

        static WriteParse Error(string message) => new(WriteConditions.None, false, message);
    }

    /// <summary>Parses the <c>If-None-Match</c> header of a <c>GET</c>.</summary>
    public static ReadParse ParseRead(StringValues ifNoneMatch)
    {
        if (StringValues.IsNullOrEmpty(ifNoneMatch))
        {
            return new ReadParse(false, false, [], null);
        }

        if (!TryParseList(ifNoneMatch, out var tags))
        {
            return new ReadParse(false, false, [], $"If-None-Match must be * or a comma-separated list of entity tags in double quotes, such as {TagExample}.");
        }

        if (tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any)))
        {
            return tags.Count == 1
                ? new ReadParse(true, true, [], null)
                : new ReadParse(false, false, [], "If-None-Match is either * alone or a list of entity tags, not both.");
        }

        // Weak comparison (RFC 9110 §13.1.2): W/"x" matches "x". Tags no ChordKvs node issued match nothing.
        var versions = new List<EntryVersion>();
        foreach (var tag in tags)
        {
            if (EntryVersion.TryParseETag(tag.Tag.Value, out var version))
            {
                versions.Add(version);
            }
        }

        return new ReadParse(true, false, versions, null);
    }

    private static bool TryParseList(StringValues values, out IList<EntityTagHeaderValue> tags)
    {
        var inputs = new List<string>(values.Count);
        foreach (var value in values)
        {
            if (value is not null)
            {
                inputs.Add(value);
            }
        }

        if (EntityTagHeaderValue.TryParseStrictList(inputs, out var parsed) && parsed.Count > 0)
        {
            tags = parsed;
            return true;
        }

        tags = [];
        return false;
    }
}
