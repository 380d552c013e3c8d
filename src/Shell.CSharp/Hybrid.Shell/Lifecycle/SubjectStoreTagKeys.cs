using System.Collections.Concurrent;

namespace Hybrid.Shell.Lifecycle;

/// <summary>
/// Each tenant's tag key kept in the subject key store under the reserved subject <see cref="Subject"/> (no event or
/// operator can name a subject starting with '$'), so it is as durable as the subject keys, moves with the tenant and
/// is wrapped by the same master key. Cached per tenant once read: it never changes.
/// </summary>
public sealed class SubjectStoreTagKeys(ISubjectKeyStore keys) : ITenantTagKeys
{
    /// <summary>The reserved subject holding a tenant's tag key.</summary>
    public const string Subject = "$tag-key";

    private readonly ConcurrentDictionary<string, byte[]> _known = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<byte[]> KeyOf(string tenant, CancellationToken ct)
    {
        if (_known.TryGetValue(tenant, out var known)) return known;
        var key = await keys.GetOrAdd(tenant, Subject, SubjectCipher.NewKey(), ct).ConfigureAwait(false);
        _known[tenant] = key;
        return key;
    }
}
