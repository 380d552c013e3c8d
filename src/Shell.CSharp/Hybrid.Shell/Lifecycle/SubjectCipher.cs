using System.Security.Cryptography;
using System.Text;

namespace Hybrid.Shell.Lifecycle;

/// <summary>
/// AES-256-GCM over one personal value with a subject's key: a token is base64(nonce ‖ ciphertext ‖ tag), and the
/// tenant, subject and field are authenticated with it, so a token moved to another field or subject fails to open.
/// </summary>
public static class SubjectCipher
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>A new random 256-bit key.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    /// <summary>The token of a plain JSON value.</summary>
    public static string Seal(byte[] key, string tenant, string subject, string field, string plain)
    {
        var text = Encoding.UTF8.GetBytes(plain);
        var sealedBytes = new byte[NonceSize + text.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, text, sealedBytes.AsSpan(NonceSize, text.Length), sealedBytes.AsSpan(NonceSize + text.Length), Context(tenant, subject, field));
        return Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The plain JSON value of a token, or null when the key does not open it (another key, or damage).</summary>
    public static string? Open(byte[] key, string tenant, string subject, string field, string token)
    {
        byte[] sealedBytes;
        try { sealedBytes = Convert.FromBase64String(token); }
        catch (FormatException) { return null; }
        if (sealedBytes.Length < NonceSize + TagSize) return null;
        var length = sealedBytes.Length - NonceSize - TagSize;
        var plain = new byte[length];
        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, length), sealedBytes.AsSpan(NonceSize + length), plain,
                Context(tenant, subject, field));
        }
        catch (AuthenticationTagMismatchException) { return null; }
        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] Context(string tenant, string subject, string field) => Encoding.UTF8.GetBytes($"{tenant}\n{subject}\n{field}");
}
