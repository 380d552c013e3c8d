using System.Security.Cryptography;
using System.Text;

namespace Hybrid.Shell.Lifecycle;

/// <summary>
/// Subject keys wrapped with a master key before they reach the inner store (AES-256-GCM; the tenant and subject are
/// authenticated with each wrapped key): a copy of the key table or file (a backup, a dump, a stolen disk) opens no
/// personal value without the master key, and a wrapped key copied to another tenant or subject does not open.
/// The master key comes from configuration (a secret store, an environment variable), never from the store itself.
/// A key that the master key cannot open is a configuration error (the wrong master key, or keys stored before one was
/// set) and throws <see cref="SubjectKeyUnopenableException"/>: it never reads as forgotten.
/// </summary>
public sealed class MasterKeySubjectKeyStore : ISubjectKeyStore
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly ISubjectKeyStore _inner;
    private readonly byte[] _masterKey;

    /// <summary>Wraps the keys of <paramref name="inner"/> with a 256-bit master key.</summary>
    public MasterKeySubjectKeyStore(ISubjectKeyStore inner, byte[] masterKey)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(masterKey);
        if (masterKey.Length != 32) throw new ArgumentException($"The master key must be 32 bytes (256 bits), not {masterKey.Length}.", nameof(masterKey));
        _inner = inner;
        _masterKey = (byte[])masterKey.Clone();
    }

    /// <inheritdoc />
    public async Task<byte[]> GetOrAdd(string tenant, string subject, byte[] candidate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var stored = await _inner.GetOrAdd(tenant, subject, Wrap(tenant, subject, candidate), ct).ConfigureAwait(false);
        return Unwrap(tenant, subject, stored);
    }

    /// <inheritdoc />
    public async Task<byte[]> TryGet(string tenant, string subject, CancellationToken ct) =>
        await _inner.TryGet(tenant, subject, ct).ConfigureAwait(false) is { } stored ? Unwrap(tenant, subject, stored) : null!;

    /// <inheritdoc />
    public Task<bool> Forget(string tenant, string subject, CancellationToken ct) => _inner.Forget(tenant, subject, ct);

    private byte[] Wrap(string tenant, string subject, byte[] key)
    {
        var wrapped = new byte[1 + NonceSize + key.Length + TagSize];
        wrapped[0] = Version;
        var nonce = wrapped.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_masterKey, TagSize);
        aes.Encrypt(nonce, key, wrapped.AsSpan(1 + NonceSize, key.Length), wrapped.AsSpan(1 + NonceSize + key.Length), Context(tenant, subject));
        return wrapped;
    }

    private byte[] Unwrap(string tenant, string subject, byte[] wrapped)
    {
        var length = wrapped.Length - 1 - NonceSize - TagSize;
        if (length <= 0 || wrapped[0] != Version) throw Unopenable(tenant, subject, "it is not a wrapped key (was it stored before a master key was set?)");
        var key = new byte[length];
        using var aes = new AesGcm(_masterKey, TagSize);
        try
        {
            aes.Decrypt(wrapped.AsSpan(1, NonceSize), wrapped.AsSpan(1 + NonceSize, length), wrapped.AsSpan(1 + NonceSize + length), key,
                Context(tenant, subject));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw Unopenable(tenant, subject, "the master key does not open it (another master key, or a key of another tenant or subject)");
        }
        return key;
    }

    private static SubjectKeyUnopenableException Unopenable(string tenant, string subject, string why) => new(tenant, subject, why);

    private static byte[] Context(string tenant, string subject) => Encoding.UTF8.GetBytes($"hybrid-subject-key/v1\n{tenant}\n{subject}");
}
