namespace ChordKvs.Tests.EndToEnd;

/// <summary>
/// Judges observed key states against what the clients did and were told. Every put writes a value no other put
/// writes, so an observed value names the one put that wrote it.
/// </summary>
/// <remarks>
/// A write <em>may be the last one</em> of its key unless some acknowledged write was sent after it had completed
/// (so came strictly after it in real time). A write that was not acknowledged but may have taken effect (no
/// answer, 503, 504) completes, for this purpose, never: it may take effect at any time. A key's state is
/// correct when a write that may be the last one produced it — the value of such a put, or no value after such a
/// delete or when no write was ever acknowledged. Anything else means an acknowledged write was lost, an
/// acknowledged delete was undone, or a value was invented. Every attempted write counts, whatever its answer,
/// except one refused with a 4xx; a delete answered 404 counts too, and when only such a delete explains a
/// key's state that is reported as <see cref="HistoryAnomalyKind.DeleteAnswered404TookEffect"/>.
/// </remarks>
internal sealed class WriteHistory
{
    private readonly Dictionary<string, List<ClientOperation>> writesByKey = [];
    private readonly Dictionary<(string Key, string Value), ClientOperation> putsByValue = [];

    /// <summary>Indexes the writes of <paramref name="operations"/>; writes refused with a 4xx changed nothing and are left out.</summary>
    public WriteHistory(IEnumerable<ClientOperation> operations)
    {
        foreach (var operation in operations.Where(operation => operation.Kind != OperationKind.Get && !operation.IsRefusedWrite))
        {
            if (!writesByKey.TryGetValue(operation.Key, out var writes))
            {
                writesByKey[operation.Key] = writes = [];
            }

            writes.Add(operation);
            if (operation.Kind == OperationKind.Put)
            {
                putsByValue[(operation.Key, operation.Value!)] = operation;
            }
        }
    }

    /// <summary>How many acknowledged writes the history holds; the final check holds each of them to account.</summary>
    public int AcknowledgedWrites => writesByKey.Values.Sum(writes => writes.Count(write => write.IsAcknowledgedWrite));

    /// <summary>
    /// Checks a read made while the clients ran: a value it returned must have been written to that key by a put
    /// sent before the read completed.
    /// </summary>
    public HistoryAnomaly? CheckRead(ClientOperation read)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (read.Status != 200)
        {
            return null;
        }

        return putsByValue.TryGetValue((read.Key, read.Value!), out var put) && put.Invoked < read.Completed
            ? null
            : new HistoryAnomaly(HistoryAnomalyKind.InventedValue, read.Key, $"a read through {read.Node} returned {read.Value}, which no put had sent to this key by then", [read]);
    }

    /// <summary>Checks a key's final state: <paramref name="value"/> read through <paramref name="node"/>, or null for none.</summary>
    public HistoryAnomaly? CheckFinal(string key, string node, string? value)
    {
        var writes = writesByKey.GetValueOrDefault(key) ?? [];
        var acknowledged = writes.Where(write => write.IsAcknowledgedWrite).ToList();
        if (value is not null)
        {
            if (!putsByValue.TryGetValue((key, value), out var put))
            {
                return new HistoryAnomaly(HistoryAnomalyKind.InventedValue, key, $"the final read through {node} returned {value}, which no client wrote to this key", []);
            }

            var later = acknowledged.Where(write => write.Invoked > CompletedForOrdering(put)).OrderBy(write => write.Invoked).ToList();
            if (later.Count == 0)
            {
                return null;
            }

            var kind = later[^1].Kind == OperationKind.Delete ? HistoryAnomalyKind.ResurrectedDelete : HistoryAnomalyKind.LostWrite;
            return new HistoryAnomaly(kind, key, $"the final read through {node} returned {value}, but acknowledged writes were sent after the put that wrote it had completed", [put, .. later]);
        }

        if (acknowledged.Count == 0 || writes.Any(write => write.Kind == OperationKind.Delete && !write.IsDeleteAnsweredNotFound && MayBeLast(write, acknowledged)))
        {
            return null;
        }

        var notFoundDeletes = writes.Where(write => write.IsDeleteAnsweredNotFound && MayBeLast(write, acknowledged)).ToList();
        if (notFoundDeletes.Count > 0)
        {
            return new HistoryAnomaly(HistoryAnomalyKind.DeleteAnswered404TookEffect, key, $"the final read through {node} found no value; only a delete answered 404 explains it, after the acknowledged puts",
                [.. acknowledged.Where(write => MayBeLast(write, acknowledged)).Concat(notFoundDeletes).OrderBy(write => write.Invoked)]);
        }

        return new HistoryAnomaly(HistoryAnomalyKind.LostWrite, key, $"the final read through {node} found no value, but no delete may be the key's last write; the acknowledged puts that may be",
            [.. acknowledged.Where(write => MayBeLast(write, acknowledged)).OrderBy(write => write.Invoked)]);
    }

    private static bool MayBeLast(ClientOperation write, List<ClientOperation> acknowledged) =>
        !acknowledged.Any(other => other.Invoked > CompletedForOrdering(write));

    private static long CompletedForOrdering(ClientOperation write) => write.IsIndeterminateWrite ? long.MaxValue : write.Completed;
}
