using System.Security.Cryptography;
using System.Text;

namespace Hybrid.Shell.Postgres.Schema;

/// <summary>
/// One versioned schema change: the files of a folder <c>NNNN-description/</c>, applied in the order of their
/// <c>NN-</c> prefixes, in one transaction with its history row. Never edit one that has been released: add another.
/// </summary>
internal sealed record Migration(int Version, string Description, IReadOnlyList<SqlFile> Files)
{
    /// <summary>A SHA-256 of the files as written (before names are filled in), to detect an applied migration edited later.</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Concat(Files.Select(f => f.Path + "\n" + f.Text + "\n")))));
}
