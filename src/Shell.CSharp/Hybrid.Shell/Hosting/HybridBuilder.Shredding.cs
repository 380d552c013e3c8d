using Hybrid.Shell.Lifecycle;

namespace Hybrid.Shell.Hosting;

/// <summary>Crypto-shredding: the subject key store a store choice brings, and the option that turns shredding on.</summary>
public sealed partial class HybridBuilder
{
    internal Func<IServiceProvider, ISubjectKeyStore>? SubjectKeyStore;
    internal PersonalDataPolicy? PersonalData;
    internal CryptoShreddingOptions ShreddingOptions { get; } = new();

    /// <summary>
    /// Uses this subject key store for crypto-shredding. <c>UseInMemory</c>, <c>UsePostgres</c> and
    /// <c>UseEmbeddedStore</c> choose the one beside their event store; call this after them to keep keys elsewhere.
    /// </summary>
    public HybridBuilder UseSubjectKeyStore(Func<IServiceProvider, ISubjectKeyStore> factory)
    {
        SubjectKeyStore = factory;
        return this;
    }

    /// <summary>
    /// Seals the personal values <paramref name="policy"/> declares with a key per subject: the event store every part
    /// uses (commands, queries, read models, processors, schedulers, operations) becomes a
    /// <see cref="CryptoShreddingEventStore"/> over the chosen store, with the chosen store's subject keys (optionally
    /// wrapped with a master key, see <see cref="CryptoShreddingOptions.MasterKey"/>).
    /// <see cref="Operations.HybridOperations.ForgetSubject"/> forgets a subject.
    /// </summary>
    public HybridBuilder UseCryptoShredding(PersonalDataPolicy policy, Action<CryptoShreddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        configure?.Invoke(ShreddingOptions);
        if (ShreddingOptions.MasterKey is { Length: not 32 } key)
            throw new ArgumentException($"UseCryptoShredding: the master key must be 32 bytes (256 bits), not {key.Length}.", nameof(configure));
        PersonalData = policy;
        return this;
    }
}
