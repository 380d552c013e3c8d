// CPU time spent by the bench process and by the local PostgreSQL server over a measured window: on a machine shared
// with other work, wall-clock rates move by 2x between runs, while CPU time per event moves far less.
using System.Diagnostics;

namespace Hybrid.Bench.Measure;

/// <summary>Reads the CPU time of this process and of every process of a local PostgreSQL server (postmaster and children).</summary>
public sealed class CpuMeter(int? postmasterPid)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>The meter of the run, when the server runs on this machine; windows measured by <see cref="ClientLoad"/> use it.</summary>
    public static CpuMeter? Current { get; set; }

    /// <summary>A meter for the server whose data directory is given (its postmaster.pid names the postmaster).</summary>
    public static CpuMeter ForDataDirectory(string? dataDirectory)
    {
        var pidFile = dataDirectory is null ? null : Path.Combine(dataDirectory, "postmaster.pid");
        int? pid = pidFile is not null && File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var p) ? p : null;
        return new CpuMeter(pid);
    }

    /// <summary>CPU seconds used so far by this process and by the server (null when the server is not local).</summary>
    public (double Client, double? Server) Now() =>
        (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, postmasterPid is { } pid ? ServerSeconds(pid) : null);

    private static double? ServerSeconds(int postmaster)
    {
        if (!OperatingSystem.IsLinux()) return null;
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0])) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            // Fields after the command name (which may hold spaces) in parentheses: state ppid ... utime(14) stime(15).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length < 13) continue;
            if (int.Parse(name) != postmaster && int.Parse(fields[1]) != postmaster) continue;
            ticks += long.Parse(fields[11]) + long.Parse(fields[12]);
        }
        return ticks / TicksPerSecond;
    }
}

/// <summary>The CPU time of one measured window, per event.</summary>
public sealed record CpuPerEvent(double ClientMicroseconds, double? ServerMicroseconds)
{
    /// <summary>The window's CPU time divided over its events.</summary>
    public static CpuPerEvent? Of((double Client, double? Server)? start, (double Client, double? Server)? end, long events) =>
        start is { } s && end is { } e && events > 0
            ? new((e.Client - s.Client) * 1e6 / events, e.Server is { } es && s.Server is { } ss ? (es - ss) * 1e6 / events : null)
            : null;
}
