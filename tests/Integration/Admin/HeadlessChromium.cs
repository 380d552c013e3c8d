using System.Diagnostics;

namespace Hybrid.Tests.Integration.Admin;

/// <summary>
/// Debian's headless Chromium driven through its command line: the DOM after scripts ran (--dump-dom) and a
/// screenshot. scripts/test.sh installs the package when it is missing.
/// </summary>
internal static class HeadlessChromium
{
    public static string Executable =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Chromium is not installed (Debian package 'chromium'; scripts/test.sh installs it).");

    public static async Task<string> DumpDom(Uri page) => await Run(page, "--dump-dom");

    public static async Task Screenshot(Uri page, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Run(page, $"--screenshot={path}", "--window-size=1280,1800");
        if (!File.Exists(path)) throw new InvalidOperationException($"Chromium wrote no screenshot to {path}.");
    }

    private static async Task<string> Run(Uri page, params string[] arguments)
    {
        var profile = Directory.CreateTempSubdirectory("hybrid-chromium-");
        try
        {
            var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                         $"--user-data-dir={profile.FullName}" }.Concat(arguments))
                start.ArgumentList.Add(argument);
            start.ArgumentList.Add(page.ToString());
            start.Environment["HOME"] = profile.FullName;
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try { await process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"Chromium did not finish loading {page} within 90 s: {await stderr}");
            }
            if (process.ExitCode != 0) throw new InvalidOperationException($"Chromium exited with {process.ExitCode}: {await stderr}");
            return await stdout;
        }
        finally { profile.Delete(recursive: true); }
    }
}
