using System.Text;
using Hybrid.Shell.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.FSharp.Collections;

namespace Hybrid.Shell.Nats;

/// <summary>
/// A broker projector's state in a read-model store (the LMDB cache in production): each tenant's models as instances
/// stamped with the position they have seen, and a resume record (its watermark: the last stream sequence whose event
/// every stored model holds; its pieces: the tenants and the models' names and versions). A restarted projector loads
/// the models and consumes from the sequence after the record's; what it receives again is at or below the models'
/// positions and is not folded twice. A model that is new (or of a new version), or whose stored copy cannot be read,
/// starts empty and the stream is consumed from its start (the other models skip what they hold).
/// </summary>
internal sealed class ProjectorStateStore(IReadModelStore store, ReadModelDefinition[] models, ILogger logger)
{
    private static readonly ReadModelKey ResumeKey = new("", "$hybrid-nats-projector", 1, "");
    private const string TenantsPiece = "tenants";
    private const string ModelsPiece = "models";

    private string Signature => string.Join("\n", models.Select(m => $"{m.Name}:{m.Version}"));

    /// <summary>The stream sequence to resume after (0: from the start) and the stored tenants' views.</summary>
    public (long Sequence, Dictionary<string, ProjectorTenantViews> Tenants) Load()
    {
        foreach (var model in models)
            foreach (var version in store.Versions(model.Name).Where(v => v != model.Version))
                store.DeleteVersion(model.Name, version);
        var tenants = new Dictionary<string, ProjectorTenantViews>(StringComparer.Ordinal);
        if (store.Load(ResumeKey) is not { } resume) return (0, tenants);
        string Piece(string name) => Encoding.UTF8.GetString(resume.Value.Pieces.FirstOrDefault(p => p.Name == name)?.Bytes ?? []);
        var complete = Piece(ModelsPiece) == Signature;
        foreach (var tenant in Piece(TenantsPiece).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var (views, whole) = LoadTenant(tenant);
            tenants[tenant] = views;
            complete &= whole;
        }
        return (complete ? resume.Value.Watermark : 0, tenants);
    }

    private (ProjectorTenantViews Views, bool Whole) LoadTenant(string tenant)
    {
        var pieces = models.Select(m => m.Initial).ToArray();
        var positions = new long[models.Length];
        var written = models.Select(_ => -1L).ToArray();
        var whole = true;
        for (var i = 0; i < models.Length; i++)
        {
            var key = KeyOf(tenant, models[i]);
            if (store.Load(key) is not { } stored)
            {
                whole = false;
                continue;
            }
            try
            {
                foreach (var piece in stored.Value.Pieces)
                    pieces[i] = pieces[i].Add(piece.Name, PieceSerializer.Deserialize(models[i].PieceType.Invoke(piece.Name), piece.Bytes)!);
                positions[i] = written[i] = stored.Value.Watermark;
            }
            catch (Exception e) when (e is MessagePack.MessagePackSerializationException or InvalidCastException or InvalidOperationException)
            {
                logger.LogWarning(e, "The stored {Key} could not be read; it is folded again from the broker's stream.", key);
                store.Delete(key);
                pieces[i] = models[i].Initial;
                whole = false;
            }
        }
        return (new ProjectorTenantViews(models, pieces, positions, written), whole);
    }

    /// <summary>
    /// Writes what changed in every tenant's models, then the resume record at <paramref name="sequence"/> (read before the
    /// tenants' changes were taken, so every stored model holds the events up to it).
    /// </summary>
    public void Flush(long sequence, IEnumerable<KeyValuePair<string, ProjectorTenantViews>> all)
    {
        var tenants = all.Where(t => !t.Value.Empty).ToArray();
        foreach (var (tenant, views) in tenants)
            foreach (var change in views.TakeChanges())
                try
                {
                    Write(tenant, views, change);
                }
                catch
                {
                    views.Stored(change.Index, -1); // the next write is whole: the pieces changed here are not tracked any more
                    throw;
                }
        store.Write(ResumeKey, sequence, new PieceWrite(-1, true,
        [
            new StoredPiece(TenantsPiece, Encoding.UTF8.GetBytes(string.Join("\n", tenants.Select(t => t.Key)))),
            new StoredPiece(ModelsPiece, Encoding.UTF8.GetBytes(Signature)),
        ], []));
    }

    private void Write(string tenant, ProjectorTenantViews views, ProjectorTenantViews.ModelChange change)
    {
        var model = models[change.Index];
        var key = KeyOf(tenant, model);
        StoredPiece Serialized(string name) => new(name, PieceSerializer.Serialize(model.PieceType.Invoke(name), change.Pieces[name]));
        var written = change.StoredAt >= 0
            ? store.Write(key, change.Position, new PieceWrite(change.StoredAt, false,
                change.Changed.Where(change.Pieces.ContainsKey).Select(Serialized).ToArray(),
                change.Changed.Where(n => !change.Pieces.ContainsKey(n)).ToArray()))
            : -1;
        if (written < 0)
            store.Write(key, change.Position, new PieceWrite(-1, true, change.Pieces.Select(p => Serialized(p.Key)).ToArray(), []));
        views.Stored(change.Index, change.Position);
    }

    private static ReadModelKey KeyOf(string tenant, ReadModelDefinition model) => new(tenant, model.Name, model.Version, "");
}
