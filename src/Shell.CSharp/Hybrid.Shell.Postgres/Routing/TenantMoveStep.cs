namespace Hybrid.Shell.Postgres.Routing;

/// <summary>The steps of a tenant's move, in order; a move may stop after any of them and be resumed or rolled back.</summary>
public enum TenantMoveStep
{
    /// <summary>The shared map records the move (the route stays; writes go on).</summary>
    Begun,
    /// <summary>The source database refuses the tenant's writes (those in flight committed first).</summary>
    Fenced,
    /// <summary>The tenant's rows are in the target, verified, committed, and the target's fence lifted.</summary>
    Copied,
    /// <summary>The route points at the target: writes go there.</summary>
    Switched,
    /// <summary>The tenant's rows are gone from the source (its fence stays).</summary>
    Cleaned,
}
