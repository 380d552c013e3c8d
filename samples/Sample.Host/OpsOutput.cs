using Hybrid.Shell.Operations;
using Spectre.Console;

namespace Hybrid.Sample.Host;

/// <summary>
/// Where `ops` writes: tables and progress bars (Spectre.Console) on a terminal, plain tab-separated lines and one
/// progress line per step when the output is redirected (scripts, CI logs).
/// </summary>
internal sealed class OpsOutput
{
    /// <summary>True when standard output is a terminal.</summary>
    public bool Interactive { get; } = !Console.IsOutputRedirected;

    /// <summary>Writes rows under a header: a table on a terminal, tab-separated lines otherwise.</summary>
    public void Rows(string[] header, IEnumerable<string[]> rows)
    {
        if (!Interactive)
        {
            Console.WriteLine(string.Join('\t', header));
            foreach (var row in rows) Console.WriteLine(string.Join('\t', row));
            return;
        }
        var table = new Table().AddColumns(header.Select(h => new TableColumn(Markup.Escape(h))).ToArray());
        foreach (var row in rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
    }

    /// <summary>Runs long work with a progress bar on a terminal, or a plain line per report otherwise.</summary>
    public async Task<T> WithProgress<T>(string title, Func<IProgress<OperationProgress>, Task<T>> work)
    {
        if (!Interactive)
            return await work(new Progress(p => Console.WriteLine(p.Total > 0 ? $"{p.Task}: {p.Done}/{p.Total}" : $"{p.Task}: {p.Done}")));
        T result = default!;
        await AnsiConsole.Progress().StartAsync(async context =>
        {
            var tasks = new Dictionary<string, ProgressTask>();
            result = await work(new Progress(p =>
            {
                if (!tasks.TryGetValue(p.Task, out var task)) tasks[p.Task] = task = context.AddTask(Markup.Escape(p.Task));
                task.MaxValue = Math.Max(1, p.Total);
                task.Value = p.Total > 0 ? p.Done : task.MaxValue;
            }));
        });
        return result;
    }

    /// <summary>Reports synchronously (so lines keep their order), unlike <see cref="Progress{T}"/>.</summary>
    private sealed class Progress(Action<OperationProgress> report) : IProgress<OperationProgress>
    {
        public void Report(OperationProgress value) => report(value);
    }
}
