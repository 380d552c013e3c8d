using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using static Hybrid.Tests.Integration.Hosting.Eventually;

namespace Hybrid.Tests.Integration.Sample;

/// <summary>The built `hybrid-sample` command run as a process of its own, with its output lines collected.</summary>
internal sealed partial class ServeProcess : IDisposable
{
    private readonly Process _process;

    private ServeProcess(Process process) => _process = process;

    public ConcurrentQueue<string> Output { get; } = new();
    public ConcurrentQueue<string> Errors { get; } = new();
    public int ProcessId => _process.Id;

    /// <summary>Starts `dotnet hybrid-sample.dll` (copied next to the tests by the project reference) with the arguments.</summary>
    public static ServeProcess Start(params string[] args) => StartWith(new Dictionary<string, string>(), args);

    /// <summary>Starts the command with these environment variables set (on top of the test's own).</summary>
    public static ServeProcess StartWith(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "hybrid-sample.dll");
        Assert.True(File.Exists(dll), $"The sample host was not built at {dll}.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = new ServeProcess(Process.Start(start)!);
        process._process.OutputDataReceived += (_, e) => { if (e.Data is not null) process.Output.Enqueue(e.Data); };
        process._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) process.Errors.Enqueue(e.Data); };
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        return process;
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();

    /// <summary>The URL the process listens on, once it says so; fails when it writes an error first.</summary>
    public async Task<string> Url()
    {
        await Until(() => Task.FromResult(Output.Any(l => Listening().IsMatch(l)) || !Errors.IsEmpty), "serve listens");
        Assert.Empty(Errors);
        return Output.Select(l => Listening().Match(l)).First(m => m.Success).Groups[1].Value;
    }

    /// <summary>Asks for a graceful stop the way a service manager does (SIGTERM).</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>The exit code, once the process exits (within two minutes).</summary>
    public async Task<int> ExitCode()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>Kills the process at once, as a crash would (SIGKILL); its output stays readable.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
