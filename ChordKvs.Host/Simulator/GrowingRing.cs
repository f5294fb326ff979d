using System.Numerics;
using ChordKvs.Core.Ring;

namespace ChordKvs.Host.Simulator;

/// <summary>
/// A ring that members join one at a time, every identifier that may ever join being known in advance: they are
/// sorted once, and which of them have joined is a two-level bitset, so a member's neighbours are found with a few
/// word scans instead of a search tree or inserts into a sorted list.
/// </summary>
/// <remarks>
/// The load-balance experiment places millions of virtual nodes one after another, each asking where the ring's arcs
/// lie at that moment. A sorted list would move O(n) elements per insert, and <see cref="SortedSet{T}"/>'s range
/// views count their elements; here a join sets two bits and a neighbour query scans at most one summary word per
/// 4,096 identifiers.
/// </remarks>
internal sealed class GrowingRing
{
    private const int WordBits = 64;
    private readonly ulong[] _identifiers;
    private readonly ulong[] _joined;
    private readonly ulong[] _nonEmptyWords;

    /// <summary>Creates an empty ring in which any of <paramref name="possibleIdentifiers"/> (in any order, repeats allowed) may join.</summary>
    public GrowingRing(IEnumerable<ulong> possibleIdentifiers)
    {
        ArgumentNullException.ThrowIfNull(possibleIdentifiers);
        var sorted = possibleIdentifiers.ToArray();
        Array.Sort(sorted);
        var distinct = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            if (distinct == 0 || sorted[i] != sorted[distinct - 1])
            {
                sorted[distinct++] = sorted[i];
            }
        }

        _identifiers = sorted[..distinct];
        _joined = new ulong[(distinct + WordBits - 1) / WordBits];
        _nonEmptyWords = new ulong[(_joined.Length + WordBits - 1) / WordBits];
    }

    /// <summary>Adds <paramref name="id"/> to the ring; joining twice changes nothing.</summary>
    public void Join(NodeId id)
    {
        var position = PositionOf(id);
        var word = position / WordBits;
        _joined[word] |= 1UL << (position % WordBits);
        _nonEmptyWords[word / WordBits] |= 1UL << (word % WordBits);
    }

    /// <summary>Empties the ring, keeping the identifiers that may join.</summary>
    public void Clear()
    {
        Array.Clear(_joined);
        Array.Clear(_nonEmptyWords);
    }

    /// <summary>
    /// The members around <paramref name="id"/>, as a lookup of it would find them: its successor is the first member
    /// at or after it, its predecessor the last member before it, both wrapping around the ring; in a ring of one
    /// both are that member.
    /// </summary>
    /// <exception cref="InvalidOperationException">The ring is empty.</exception>
    public (NodeId Predecessor, NodeId Successor) NeighboursOf(NodeId id)
    {
        var position = PositionOf(id);
        var successor = FirstJoinedAtOrAfter(position);
        if (successor < 0)
        {
            successor = FirstJoinedAtOrAfter(0);
        }

        if (successor < 0)
        {
            throw new InvalidOperationException("The ring has no member yet.");
        }

        var predecessor = LastJoinedBefore(position);
        if (predecessor < 0)
        {
            predecessor = LastJoinedBefore(_identifiers.Length);
        }

        return (new NodeId(_identifiers[predecessor]), new NodeId(_identifiers[successor]));
    }

    private int PositionOf(NodeId id)
    {
        var position = Array.BinarySearch(_identifiers, id.Value);
        return position >= 0 ? position : throw new ArgumentException($"{id} is not one of the identifiers this ring was made for.", nameof(id));
    }

    /// <summary>The first joined position at or after <paramref name="position"/>, not wrapping; −1 if there is none.</summary>
    private int FirstJoinedAtOrAfter(int position)
    {
        if (position >= _identifiers.Length)
        {
            return -1;
        }

        var word = position / WordBits;
        var bits = _joined[word] & (ulong.MaxValue << (position % WordBits));
        if (bits != 0)
        {
            return (word * WordBits) + BitOperations.TrailingZeroCount(bits);
        }

        word++;
        var summary = word / WordBits;
        if (summary >= _nonEmptyWords.Length)
        {
            return -1;
        }

        var words = _nonEmptyWords[summary] & (ulong.MaxValue << (word % WordBits));
        while (words == 0)
        {
            if (++summary == _nonEmptyWords.Length)
            {
                return -1;
            }

            words = _nonEmptyWords[summary];
        }

        word = (summary * WordBits) + BitOperations.TrailingZeroCount(words);
        return (word * WordBits) + BitOperations.TrailingZeroCount(_joined[word]);
    }

    /// <summary>The last joined position before <paramref name="position"/>, not wrapping; −1 if there is none.</summary>
    private int LastJoinedBefore(int position)
    {
        if (position <= 0)
        {
            return -1;
        }

        var last = position - 1;
        var word = last / WordBits;
        var bits = _joined[word] & (ulong.MaxValue >> (WordBits - 1 - (last % WordBits)));
        if (bits != 0)
        {
            return (word * WordBits) + HighestBit(bits);
        }

        if (word == 0)
        {
            return -1;
        }

        word--;
        var summary = word / WordBits;
        var words = _nonEmptyWords[summary] & (ulong.MaxValue >> (WordBits - 1 - (word % WordBits)));
        while (words == 0)
        {
            if (summary-- == 0)
            {
                return -1;
            }

            words = _nonEmptyWords[summary];
        }

        word = (summary * WordBits) + HighestBit(words);
        return (word * WordBits) + HighestBit(_joined[word]);
    }

    private static int HighestBit(ulong bits) => WordBits - 1 - BitOperations.LeadingZeroCount(bits);
}
