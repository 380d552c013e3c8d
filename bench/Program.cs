// The command line of hybrid-bench: parses options, runs the benchmarks, prints the table and writes the JSON.
namespace Hybrid.Bench;

/// <summary>Entry point of <c>hybrid-bench</c>.</summary>
public static class Program
{
    /// <summary>Runs the benchmarks; exit code 0 on success, 2 on bad arguments, 1 on failure.</summary>
    public static async Task<int> Main(string[] args)
    {
        BenchOptions options;
        try { options = BenchOptions.Parse(args); }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(BenchOptions.Usage);
            return 2;
        }
        if (options.Help)
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }
        var report = await BenchRunner.RunAsync(options, Console.Out);
        return report.Failed ? 1 : 0;
    }
}
