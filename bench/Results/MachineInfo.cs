// Describes the machine a run happened on, so figures from different machines are not mixed up.
using System.Runtime.InteropServices;

namespace Hybrid.Bench.Results;

/// <summary>Facts about the machine and runtime.</summary>
public static class MachineInfo
{
    /// <summary>Fills the report's machine section.</summary>
    public static void Describe(Dictionary<string, object> machine, BenchMode mode)
    {
        machine["mode"] = mode.ToString().ToLowerInvariant();
        machine["started_utc"] = DateTimeOffset.UtcNow.ToString("O");
        machine["cores"] = Environment.ProcessorCount;
        machine["cpu"] = CpuModel() ?? RuntimeInformation.ProcessArchitecture.ToString();
        machine["memory_gb"] = Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1);
        machine["os"] = RuntimeInformation.OSDescription;
        machine["runtime"] = RuntimeInformation.FrameworkDescription;
        machine["server_gc"] = System.Runtime.GCSettings.IsServerGC;
        machine["hostname"] = Environment.MachineName;
        machine["loadavg_start"] = LoadAverage() ?? "unknown";
    }

    /// <summary>Adds what is known at the end of a run: the load average (other work on a shared machine skews figures).</summary>
    public static void Finish(Dictionary<string, object> machine)
    {
        machine["loadavg_end"] = LoadAverage() ?? "unknown";
        machine["finished_utc"] = DateTimeOffset.UtcNow.ToString("O");
    }

    /// <summary>The 1, 5 and 15 minute load averages, or null off Linux.</summary>
    public static string? LoadAverage()
    {
        const string file = "/proc/loadavg";
        return File.Exists(file) ? string.Join(' ', File.ReadAllText(file).Split(' ').Take(3)) : null;
    }

    private static string? CpuModel()
    {
        const string info = "/proc/cpuinfo";
        if (!File.Exists(info)) return null;
        var line = File.ReadLines(info).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?[(line.IndexOf(':') + 1)..].Trim();
    }
}
