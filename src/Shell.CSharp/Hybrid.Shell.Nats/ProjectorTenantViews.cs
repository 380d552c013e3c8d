using Microsoft.FSharp.Collections;

namespace Hybrid.Shell.Nats;

/// <summary>
/// One tenant's read models in a broker projector: each model's pieces and the last position it has seen (every event
/// of the tenant counts, folded or not), so an event at or below it is a repeat for that model and is not folded again;
/// and, for the durable store, the pieces each model changed since they were last written and the watermark written.
/// </summary>
internal sealed class ProjectorTenantViews
{
    private readonly ReadModelDefinition[] _models;
    private readonly FSharpMap<string, object>[] _pieces;
    private readonly long[] _positions;
    private readonly long[] _written;
    private readonly HashSet<string>[] _changed;
    // A model whose reducer threw on an event of this tenant: it folds nothing more (its position still moves, so
    // waiting for a position is not blocked), is never written to the durable store again, and its reads fail with this.
    private readonly ReadModelFoldFailedException?[] _failed;
    private TaskCompletionSource _folded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Views that have folded nothing.</summary>
    public ProjectorTenantViews(ReadModelDefinition[] models)
        : this(models, models.Select(m => m.Initial).ToArray(), new long[models.Length], models.Select(_ => -1L).ToArray()) { }

    /// <summary>Views as loaded from the durable store: per model its pieces, position and the watermark stored (-1: none).</summary>
    public ProjectorTenantViews(ReadModelDefinition[] models, FSharpMap<string, object>[] pieces, long[] positions, long[] written)
    {
        _models = models;
        _pieces = pieces;
        _positions = positions;
        _written = written;
        _changed = models.Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToArray();
        _failed = new ReadModelFoldFailedException?[models.Length];
    }

    /// <summary>The position every model has seen.</summary>
    public long Position
    {
        get { lock (this) return _positions.Length == 0 ? 0 : _positions.Min(); }
    }

    /// <summary>True while no model has seen an event (a tenant only read, never folded).</summary>
    public bool Empty
    {
        get { lock (this) return _positions.All(p => p == 0); }
    }

    /// <summary>
    /// Folds the event into each model that has not seen it; false when none had (a repeat). A model whose reducer throws
    /// is isolated (see <see cref="FailureOf"/>) and reported to <paramref name="failed"/>; the other models go on.
    /// </summary>
    public bool Fold(RecordedEvent e, Action<ReadModelFoldFailedException>? failed = null)
    {
        lock (this)
        {
            var any = false;
            for (var i = 0; i < _models.Length; i++)
            {
                if (e.Position <= _positions[i]) continue;
                any = true;
                if (_failed[i] is null && _models[i].EventTypes.Contains(e.Type))
                {
                    try
                    {
                        var (pieces, changed) = _models[i].Step.Invoke(_pieces[i]).Invoke(e);
                        _pieces[i] = pieces;
                        _changed[i].UnionWith(changed);
                    }
                    catch (Exception ex)
                    {
                        var model = _models[i];
                        _failed[i] = new ReadModelFoldFailedException(new ReadModelKey(e.Tenant, model.Name, model.Version, ""), e.Id, e.Type, e.Position, ex);
                        _changed[i].Clear();
                        failed?.Invoke(_failed[i]!);
                    }
                }
                _positions[i] = e.Position;
            }
            if (!any) return false;
            var folded = _folded;
            _folded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            folded.SetResult();
            return true;
        }
    }

    /// <summary>Why a model stopped folding this tenant's events (its reducer threw); null while it folds.</summary>
    public ReadModelFoldFailedException? FailureOf(int index)
    {
        lock (this) return _failed[index];
    }

    /// <summary>A model's pieces and the position it has seen.</summary>
    public (FSharpMap<string, object> Pieces, long Position) Snapshot(int index)
    {
        lock (this) return (_pieces[index], _positions[index]);
    }

    /// <summary>Completes when a fold happened, at once when the position is already reached.</summary>
    public Task Changed(long position, CancellationToken ct)
    {
        lock (this) return _positions.Min() >= position ? Task.CompletedTask : _folded.Task.WaitAsync(ct);
    }

    /// <summary>What each model holds that its stored copy does not: the models whose position passed the stored watermark.</summary>
    public List<ModelChange> TakeChanges()
    {
        lock (this)
        {
            var changes = new List<ModelChange>();
            for (var i = 0; i < _models.Length; i++)
            {
                if (_failed[i] is not null || _positions[i] <= Math.Max(_written[i], 0)) continue;
                changes.Add(new ModelChange(i, _positions[i], _written[i], _pieces[i], _changed[i].ToArray()));
                _changed[i].Clear();
            }
            return changes;
        }
    }

    /// <summary>Records that a model's pieces are stored at the watermark (-1: unknown, the next write is whole).</summary>
    public void Stored(int index, long watermark)
    {
        lock (this) _written[index] = watermark;
    }

    /// <summary>A model's state to write: at its position, over the stored watermark (-1: none), with the pieces changed since.</summary>
    internal sealed record ModelChange(int Index, long Position, long StoredAt, FSharpMap<string, object> Pieces, string[] Changed);
}
