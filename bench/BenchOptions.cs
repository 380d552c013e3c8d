// What the user asked for on the command line.
namespace Hybrid.Bench;

/// <summary>Options of a benchmark run.</summary>
/// <param name="Mode">How big the run is.</param>
/// <param name="OutFile">Where the JSON goes; null for none.</param>
/// <param name="Only">Metric-name prefixes to run; empty for all.</param>
/// <param name="Help">True when usage was asked for.</param>
/// <param name="Postgres">A superuser connection string of the server to measure; null for HYBRID_TEST_POSTGRES or a throwaway cluster.</param>
public sealed record BenchOptions(BenchMode Mode, string? OutFile, IReadOnlyList<string> Only, bool Help, string? Postgres = null)
{
    /// <summary>The usage text.</summary>
    public const string Usage =
        """
        hybrid-bench [--quick | --tiny] [--out FILE.json] [--only PREFIX[,PREFIX...]] [--postgres CONNECTION-STRING]
          --quick   a short run (under 5 minutes on 2 cores)
          --tiny    tiny sizes, seconds: only checks that every benchmark still runs (smoke test)
          --out     writes the results as JSON to FILE.json
          --only    runs only the benchmarks whose metric names start with one of the prefixes (e.g. pg.append,mem)
          --postgres  a superuser connection string of the server to measure (a fresh database is created on it)
        Without --postgres: the server named by HYBRID_TEST_POSTGRES (a connection string), else a throwaway cluster.
        """;

    /// <summary>True when a benchmark producing metrics under this name should run.</summary>
    public bool Wants(string metricPrefix) =>
        Only.Count == 0 || Only.Any(p => metricPrefix.StartsWith(p, StringComparison.Ordinal) || p.StartsWith(metricPrefix, StringComparison.Ordinal));

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var mode = BenchMode.Full;
        string? outFile = null;
        var only = new List<string>();
        var help = false;
        string? postgres = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick": mode = mode == BenchMode.Tiny ? BenchMode.Tiny : BenchMode.Quick; break;
                case "--tiny": mode = BenchMode.Tiny; break;
                case "--out": outFile = ValueOf(args, ref i); break;
                case "--only": only.AddRange(ValueOf(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                case "--postgres": postgres = ValueOf(args, ref i); break;
                case "-h" or "--help": help = true; break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }
        return new BenchOptions(mode, outFile, only, help, postgres);
    }

    private static string ValueOf(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            throw new ArgumentException($"Argument '{args[i]}' needs a value.");
        return args[++i];
    }
}

/// <summary>How big a run is.</summary>
public enum BenchMode
{
    /// <summary>Seconds; checks only that everything runs.</summary>
    Tiny,
    /// <summary>Under 5 minutes on 2 cores.</summary>
    Quick,
    /// <summary>The fuller run.</summary>
    Full,
}
