using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Hybrid.Tests.Integration.ReadModels;

/// <summary>A logging provider for a host that keeps the warnings of every category.</summary>
internal sealed class WarningLogProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Warnings { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(Warnings);

    public void Dispose() { }

    private sealed class Logger(ConcurrentQueue<string> warnings) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) warnings.Enqueue(formatter(state, exception));
        }
    }
}
