namespace Hybrid.InMemory.Simulation;

/// <summary>An id source that remembers every id it minted, so invariants can tell proposed events from phantoms.</summary>
public sealed class RecordingIdSource(IIdSource inner, HashSet<Guid> minted) : IIdSource
{
    /// <inheritdoc />
    public Guid NewId()
    {
        var id = inner.NewId();
        minted.Add(id);
        return id;
    }
}
