using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>The named databases of the event store's environment (see <see cref="StoreKeys"/> for their keys).</summary>
internal sealed class Databases : IDisposable
{
    public static readonly string[] Names =
        ["meta", "tenants", "events", "ids", "deletions", "versions", "postings", "checkpoints", "dead-letters", "leases", "subject-keys", "indexed"];

    /// <summary>Databases added after the format's first version: created when a store written before them is opened.</summary>
    private static readonly HashSet<string> AddedLater = ["subject-keys", "indexed"];

    private readonly LightningDatabase[] _all;

    private Databases(LightningDatabase[] all) => _all = all;

    public LightningDatabase Meta => _all[0];
    public LightningDatabase Tenants => _all[1];
    public LightningDatabase Events => _all[2];
    public LightningDatabase Ids => _all[3];
    public LightningDatabase Deletions => _all[4];
    public LightningDatabase Versions => _all[5];
    public LightningDatabase Postings => _all[6];
    public LightningDatabase Checkpoints => _all[7];
    public LightningDatabase DeadLetters => _all[8];
    public LightningDatabase Leases => _all[9];
    public LightningDatabase SubjectKeys => _all[10];
    public LightningDatabase Indexed => _all[11];

    /// <summary>Every database with its name, in <see cref="Names"/> order.</summary>
    public IEnumerable<(string Name, LightningDatabase Db)> All => Names.Select((name, i) => (name, _all[i]));

    public string NameOf(LightningDatabase db) => Names[Array.IndexOf(_all, db)];

    /// <summary>Opens (creating when asked) every database in the transaction, which the caller commits.</summary>
    public static Databases Open(LightningTransaction tx, bool create) =>
        new(Names.Select(name => tx.OpenDatabase(name, new DatabaseConfiguration
        {
            Flags = create || AddedLater.Contains(name) ? DatabaseOpenFlags.Create : DatabaseOpenFlags.None,
        })).ToArray());

    public void Dispose()
    {
        foreach (var db in _all) db.Dispose();
    }
}
