namespace Hybrid.Sample.Host;

/// <summary>
/// The application role's password: from <c>--app-password</c>, else the <c>HYBRID_APP_PASSWORD</c> environment variable
/// (which keeps it out of process listings), else none. There is no default password. It is used when the role is
/// created; the password of an existing role is never changed.
/// </summary>
public static class ApplicationPassword
{
    /// <summary>The environment variable read when the option is not given.</summary>
    public const string EnvironmentVariable = "HYBRID_APP_PASSWORD";

    /// <summary>The option's value, else the environment variable's (read through <paramref name="environment"/>), else null.</summary>
    public static string? Resolve(string? option, Func<string, string?>? environment = null) =>
        option is { Length: > 0 } ? option
        : (environment ?? Environment.GetEnvironmentVariable)(EnvironmentVariable) is { Length: > 0 } env ? env
        : null;
}
