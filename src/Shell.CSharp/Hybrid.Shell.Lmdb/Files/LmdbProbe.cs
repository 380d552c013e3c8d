using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Hybrid.Shell.Lmdb.Files;

/// <summary>
/// Runs the structural probe (Lmdb/Native/hybrid_lmdb_probe.c) in a forked child process before this process maps
/// an LMDB file: a damaged page that would make LMDB read outside the file kills the child, not this process.
/// </summary>
internal static class LmdbProbe
{
    private const uint NoSubDirectory = 0x4000;
    private const uint NoLock = 0x400000;
    private const int ReportSize = 1024;

    /// <summary>
    /// Probes the LMDB file. <paramref name="exclusive"/>: the caller holds the environment alone (no lock file is
    /// used). Returns null when the probe cannot run on this platform (the native library has no probe).
    /// </summary>
    public static ProbeReport? Run(string dataFile, bool exclusive, TimeSpan timeout)
    {
        var length = new FileInfo(dataFile).Length;
        // Map at least the whole file; LMDB widens the map to what the file's header asks for.
        var mapSize = (ulong)Math.Max(1L << 20, (length + (1L << 20)) & ~((1L << 20) - 1));
        var report = new byte[ReportSize];
        int error;
        try
        {
            // Shared: open the directory, so that LMDB uses the same lock file (lock.mdb) as the process writing it.
            var (path, flags) = exclusive ? (dataFile, NoSubDirectory | NoLock) : (Path.GetDirectoryName(Path.GetFullPath(dataFile))!, 0u);
            error = hybrid_lmdb_probe(path, mapSize, flags, (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds), report);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
        if (error != 0) throw new IOException($"Cannot probe '{dataFile}': the probe process could not start (errno {error}).");
        return ProbeReport.Read(report);
    }

    [DllImport("lmdb", EntryPoint = "hybrid_lmdb_probe")]
    private static extern int hybrid_lmdb_probe([MarshalAs(UnmanagedType.LPUTF8Str)] string path, ulong mapSize, uint flags, int timeoutMs, byte[] report);
}

/// <summary>What the probe found (the layout of hybrid_lmdb_probe_report).</summary>
internal sealed record ProbeReport(int Status, int Signal, bool Finished, long Entries, byte[] Key, string Database, string Detail)
{
    public const int OutOfOrder = -1;
    public const int NotFoundAgain = -2;
    public const int BadFreeList = -3;
    public const int TimedOut = -4;
    public const int Truncated = -5;
    public const int BadPage = -6;

    /// <summary>True when the file can be mapped and read.</summary>
    public bool Sound => Finished && Status == 0 && Signal == 0;

    /// <summary>What is wrong, in words; null when sound.</summary>
    public string? Problem => Sound ? null : Signal != 0 ? $"reading it crashed a probe process ({SignalName(Signal)})"
        : !Finished && Status != TimedOut ? "the probe process ended before finishing its walk"
        : Status switch
        {
            OutOfOrder or NotFoundAgain or BadFreeList or TimedOut or Truncated or BadPage => Detail,
            _ => LmdbCodes.Describe(Status),
        };

    public static ProbeReport Read(byte[] r) => new(
        BinaryPrimitives.ReadInt32LittleEndian(r),
        BinaryPrimitives.ReadInt32LittleEndian(r.AsSpan(4)),
        BinaryPrimitives.ReadInt32LittleEndian(r.AsSpan(8)) == 1,
        BinaryPrimitives.ReadInt64LittleEndian(r.AsSpan(16)),
        r.AsSpan(28, (int)Math.Min(512u, BinaryPrimitives.ReadUInt32LittleEndian(r.AsSpan(24)))).ToArray(),
        CString(r.AsSpan(540, 128)),
        CString(r.AsSpan(668, 256)));

    private static string CString(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }

    private static string SignalName(int signal) => signal switch
    {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        _ => $"signal {signal}",
    };
}
