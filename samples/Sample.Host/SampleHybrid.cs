using Hybrid.Shell.Hosting;
using Hybrid.Shell.Processors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hybrid.Sample.Host;

/// <summary>The sample's process manager and effect handlers: the rest of the application is its registry (<c>Definitions.registry</c>).</summary>
public static class SampleHybrid
{
    /// <summary>The environment variable that may hold the master key wrapping the sample's subject keys (base64, 32 bytes).</summary>
    public const string MasterKeyVariable = "HYBRID_SAMPLE_MASTER_KEY";

    /// <summary>
    /// Adds what the registry cannot hold: crypto-shredding of the sample's personal data (invited emails, keys beside
    /// the chosen store, wrapped with the master key of <see cref="MasterKeyVariable"/> when it is set), the
    /// invite-reminders process manager, and effect handlers that log each email sent and card charged, then tell
    /// <paramref name="observer"/>. Call it after the store choice.
    /// </summary>
    public static HybridBuilder AddSampleEffects(this HybridBuilder hybrid, Func<EffectContext, CancellationToken, Task>? observer = null)
    {
        hybrid.UseCryptoShredding(Definitions.personalData, shredding =>
        {
            if (Environment.GetEnvironmentVariable(MasterKeyVariable) is { Length: > 0 } masterKey)
                shredding.MasterKey = MasterKey(masterKey);
        });
        foreach (var manager in Definitions.processManagers) hybrid.AddProcessManager(manager);
        foreach (var kind in new[] { Effects.SendEmail, Effects.ChargeCard })
            hybrid.AddEffectHandler(sp => new LoggingEffectHandler(kind, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Hybrid.Sample.Effects"), observer));
        return hybrid;
    }

    /// <summary>
    /// Why <see cref="MasterKeyVariable"/> holds no master key, naming the variable (never its value, a secret) and how to
    /// make one; null when it is unset or holds a key. For commands that check it before opening anything.
    /// </summary>
    public static string? MasterKeyProblem() =>
        Environment.GetEnvironmentVariable(MasterKeyVariable) is { Length: > 0 } masterKey && ParseMasterKey(masterKey) is null ? NotAMasterKey : null;

    private const string NotAMasterKey = $"{MasterKeyVariable} is not a master key: it must be 32 bytes (256 bits) in base64, " +
                                         "such as the output of `head -c 32 /dev/urandom | base64`.";

    /// <summary>The master key in <see cref="MasterKeyVariable"/>, or an <see cref="ArgumentException"/> saying why it is none.</summary>
    private static byte[] MasterKey(string base64) => ParseMasterKey(base64) ?? throw new ArgumentException(NotAMasterKey);

    /// <summary>32 bytes in base64, or null.</summary>
    private static byte[]? ParseMasterKey(string base64)
    {
        var key = new byte[32];
        return Convert.TryFromBase64String(base64.Trim(), key, out var length) && length == key.Length ? key : null;
    }

    /// <summary>
    /// The sample's retention policy: the trigger events of its periodic tasks (the monthly billing, retention itself)
    /// are bookkeeping, kept for 90 days; retention runs hourly per tenant (see <c>hybrid-sample ops retention</c>).
    /// </summary>
    public static HybridBuilder AddSampleRetention(this HybridBuilder hybrid) =>
        hybrid.AddRetentionPolicy(Triggers.TriggeredType, TimeSpan.FromDays(90));
}
