namespace Hybrid.Shell.Lifecycle;

/// <summary>
/// Retention policies and when they run (<c>AddHybrid(…, h => h.AddRetentionPolicy(…))</c>): with at least one policy,
/// the periodic task <see cref="Retention.TaskName"/> purges each tenant's expired events on <see cref="Schedule"/>.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>The policies: events of a type older than an age are purged. None: retention never runs.</summary>
    public List<RetentionPolicy> Policies { get; } = [];

    /// <summary>When retention runs for each tenant. Default: every hour.</summary>
    public Schedule Schedule { get; set; } = Schedule.NewEvery(TimeSpan.FromHours(1));

    /// <summary>The tenants retention runs for. Default: every tenant.</summary>
    public TenantSelection Tenants { get; set; } = TenantSelection.AllTenants;

    /// <summary>Throws an <see cref="InvalidInputException"/> naming the first bad policy, or an <see cref="ArgumentException"/> for a bad schedule.</summary>
    public void Validate()
    {
        var policies = Retention.validateAll(Policies);
        if (policies.IsError) throw new InvalidInputException(policies.ErrorValue.Field, policies.ErrorValue.Message);
        var problems = Schedules.problems(Retention.task(Schedule, Tenants));
        if (!problems.IsEmpty) throw new ArgumentException(string.Join(" ", problems), nameof(Schedule));
    }
}
