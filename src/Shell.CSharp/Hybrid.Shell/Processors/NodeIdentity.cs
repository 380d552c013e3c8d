using System.Security.Cryptography;
using System.Text;

namespace Hybrid.Shell.Processors;

/// <summary>
/// Node ids that survive a restart. A node that comes back with its own id takes its leases back at once (with new
/// fencing tokens) instead of waiting for them to expire, and adds no new row to the node table.
/// </summary>
public static class NodeIdentity
{
    /// <summary>
    /// The machine name and a short hash of the directory's full path: the same for every run of a host on this machine
    /// with this data directory. Two live processes must never share an id, so the directory must be held by one
    /// process at a time (as <c>hybrid-sample serve</c> locks its <c>--data</c> directory).
    /// </summary>
    public static string For(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        return $"{Environment.MachineName}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..10]}";
    }
}
