namespace Hybrid.Shell.Lifecycle;

/// <summary>
/// A subject key the master key cannot open: the service is configured with another master key than the one its keys
/// were wrapped with (or with one while its keys were stored without). Personal data of the tenant cannot be read or
/// written until an operator configures the right key; transports answer it as the service being unavailable, naming
/// the tenant (never the subject, which may itself identify a person), not as a defect.
/// </summary>
public sealed class SubjectKeyUnopenableException : InvalidOperationException
{
    /// <summary>A key of <paramref name="tenant"/>'s <paramref name="subject"/> that does not open, and why.</summary>
    public SubjectKeyUnopenableException(string tenant, string subject, string why)
        : base($"Tenant '{tenant}': the key of subject '{subject}' cannot be unwrapped: {why}.")
    {
        Tenant = tenant;
        Subject = subject;
    }

    /// <summary>The tenant whose key does not open.</summary>
    public string Tenant { get; }

    /// <summary>The subject whose key does not open (for the logs: it may identify a person).</summary>
    public string Subject { get; }

    /// <summary>What a caller is told: the tenant, and that an operator must configure the master key.</summary>
    public string CallerMessage =>
        $"Tenant '{Tenant}': the service cannot open the keys of its personal data with its master key (it is not the key they " +
        "were stored with); an operator must configure that master key.";

    /// <summary>The exception, or one it wraps, that is a key the master key cannot open; null when none is.</summary>
    public static SubjectKeyUnopenableException? In(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SubjectKeyUnopenableException unopenable) return unopenable;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Select(In).FirstOrDefault(u => u is not null) is { } inner) return inner;
        }
        return null;
    }
}
