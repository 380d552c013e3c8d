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
    /// <summary>With <c>--growth</c>: the store size (events) the growth run fills up to; 0 for the mode's default. Null for a normal run.</summary>
    public long? GrowthTo { get; init; }

    /// <summary>Where the growth chart (SVG) is written.</summary>
    public string GrowthChart { get; init; } = "growth.svg";

    /// <summary>A README whose growth block (between its markers) the growth run replaces; null for none.</summary>
    public string? Readme { get; init; }

    /// <summary>The usage text.</summary>
    public const string Usage =
        """
        hybrid-bench [--quick | --tiny] [--out FILE.json] [--only PREFIX[,PREFIX...]] [--postgres CONNECTION-STRING]
          --quick   a short run (under 5 minutes on 2 cores)
          --tiny    tiny sizes, seconds: only checks that every benchmark still runs (smoke test)
          --out     writes the results as JSON to FILE.json
          --only    runs only the benchmarks whose metric names start with one of the prefixes (e.g. pg.append,mem)
          --postgres  a superuser connection string of the server to measure (a fresh database is created on it)
          --growth [SIZE]  only the growth run: fills the PostgreSQL store over 1,000 tenants up to SIZE events (e.g. 1M,
                    10M; default 1M, 200k with --quick) and measures appends, the DCB check and reads at each step
          --growth-chart FILE.svg  where the growth chart goes (default growth.svg)
          --readme FILE  replaces FILE's block between <!-- growth:start --> and <!-- growth:end --> with the growth table
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
        long? growth = null;
        var chart = "growth.svg";
        string? readme = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick": mode = mode == BenchMode.Tiny ? BenchMode.Tiny : BenchMode.Quick; break;
                case "--tiny": mode = BenchMode.Tiny; break;
                case "--out": outFile = ValueOf(args, ref i); break;
                case "--only": only.AddRange(ValueOf(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                case "--postgres": postgres = ValueOf(args, ref i); break;
                case "--growth":
                    growth = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? Size(args[++i]) : 0;
                    break;
                case "--growth-chart": chart = ValueOf(args, ref i); break;
                case "--readme": readme = ValueOf(args, ref i); break;
                case "-h" or "--help": help = true; break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }
        return new BenchOptions(mode, outFile, only, help, postgres) { GrowthTo = growth, GrowthChart = chart, Readme = readme };
    }

    /// <summary>A size such as 200000, 200k or 10M.</summary>
    private static long Size(string text)
    {
        var multiplier = char.ToLowerInvariant(text[^1]) switch { 'k' => 1_000L, 'm' => 1_000_000L, _ => 1L };
        var digits = multiplier == 1 ? text : text[..^1];
        return long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? n * multiplier
            : throw new ArgumentException($"Argument '--growth' needs a size such as 1M or 200k, not '{text}'.");
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
