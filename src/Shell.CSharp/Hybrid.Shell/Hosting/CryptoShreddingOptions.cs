namespace Hybrid.Shell.Hosting;

/// <summary>How <c>UseCryptoShredding</c> keeps subject keys.</summary>
public sealed class CryptoShreddingOptions
{
    /// <summary>
    /// A 256-bit master key that wraps every subject key before the key store sees it (see
    /// <see cref="Lifecycle.MasterKeySubjectKeyStore"/>), so a copy of the key table or file opens nothing without it.
    /// Supply it from configuration or a secret store, never from the database it protects, e.g.
    /// <c>o.MasterKey = Convert.FromBase64String(configuration["Hybrid:MasterKey"])</c>. Null (the default) stores keys
    /// unwrapped, protected by the store's own isolation only (row-level security by tenant, file permissions). Once set,
    /// keep it: keys stored with one master key do not open with another (reads then fail loudly, never as forgotten).
    /// </summary>
    public byte[]? MasterKey { get; set; }
}
