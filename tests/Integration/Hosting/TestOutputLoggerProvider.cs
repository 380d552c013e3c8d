using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Hybrid.Tests.Integration.Hosting;

/// <summary>Writes warnings and errors of a host to the test's output, so a failing multi-host test shows why.</summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper output, string node) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(output, node);

    public void Dispose() { }

    private sealed class Logger(ITestOutputHelper output, string node) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            try { output.WriteLine($"[{node}] {logLevel}: {formatter(state, exception)} {exception?.GetType().Name}: {exception?.Message}"); }
            catch (InvalidOperationException) { } // the test has ended
        }
    }
}
