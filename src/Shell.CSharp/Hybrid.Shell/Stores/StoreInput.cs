namespace Hybrid.Shell.Stores;

/// <summary>
/// The input checks every store runs before it touches anything, so all stores reject the same bad input with
/// the same <see cref="InvalidInputException"/> naming the tenant and the field. Appends are checked by
/// <see cref="AppendModule.validateOrThrow"/>; this class covers the other operations with the same core rules.
/// </summary>
public static class StoreInput
{
    /// <summary>Checks the tenant id's format.</summary>
    public static void Tenant(string tenant) => Validation.orThrow(tenant, Validation.tenant(tenant));

    /// <summary>Checks a stream id named by <paramref name="field"/>.</summary>
    public static void Stream(string tenant, string field, string stream)
    {
        Tenant(tenant);
        Validation.orThrow(tenant, Validation.stream(field, stream));
    }

    /// <summary>Checks a read query.</summary>
    public static void Query(string tenant, EventQuery query)
    {
        Tenant(tenant);
        Validation.orThrow(tenant, Validation.query(query));
    }

    /// <summary>Checks a stream read (not null; its stream, bounds, direction and limit).</summary>
    public static void StreamRead(string tenant, StreamRead? read)
    {
        Tenant(tenant);
        if (read is null) Fail(tenant, "read", "The stream read is null: use StreamRead.Forward(stream) or StreamRead.Backward(stream).");
        Validation.orThrow(tenant, Validation.streamRead(read.Stream, read.After, read.Direction, read.Limit));
    }

    /// <summary>Checks a checkpoint write (not null; its processor, a position of 0 or more, as a reset asks, and a fencing token of 0 or more).</summary>
    public static void CheckpointWrite(string tenant, CheckpointWrite? write)
    {
        Tenant(tenant);
        Validation.orThrow(tenant, Fencing.validateWrite(write));
    }

    /// <summary>Checks a checkpoint claim (its processor, and a fencing token of 0 or more).</summary>
    public static void Claim(string tenant, string processor, long fencingToken)
    {
        Tenant(tenant);
        Validation.orThrow(tenant, Fencing.validateClaim(processor, fencingToken));
    }

    /// <summary>Checks a lease grant (<see cref="ILeaseStore.TryAcquire"/>): its resource, owner and duration.</summary>
    public static void LeaseRequest(string resource, string owner, TimeSpan duration) =>
        LeaseOrThrow(resource, Validation.leaseRequest(resource, owner, duration));

    /// <summary>Checks a lease a renewal (with its <paramref name="duration"/>) or a release (without) names: not null, its resource and owner.</summary>
    public static void Lease(Lease? lease, TimeSpan? duration = null)
    {
        ArgumentNullException.ThrowIfNull(lease);
        LeaseOrThrow(lease.Resource, duration is { } d
            ? Validation.leaseRequest(lease.Resource, lease.Owner, d)
            : Validation.leaseHolder(lease.Resource, lease.Owner));
    }

    /// <summary>Checks a processor pause or resume (<see cref="ILeaseStore.Pause"/>, <see cref="ILeaseStore.Resume"/>): a processor
    /// name, and a tenant id or <see cref="Pausing.everyTenant"/>.</summary>
    public static void ProcessorPause(string processor, string tenant) =>
        OrThrow(string.IsNullOrEmpty(tenant) ? null : tenant, Validation.processorPause(processor, tenant));

    /// <summary>Throws an <see cref="InvalidInputException"/> naming the lease (unless its resource is at fault) and the field.</summary>
    private static void LeaseOrThrow(string resource, Microsoft.FSharp.Core.FSharpResult<Microsoft.FSharp.Core.Unit, Validation.Error> result)
    {
        if (!result.IsError) return;
        var error = result.ErrorValue;
        // A bad resource is described by the message; a good one names the lease.
        var named = error.Field == "resource" ? "" : $"Lease '{resource}': ";
        throw new InvalidInputException(error.Field, $"{named}{error.Field}: {error.Message}");
    }

    /// <summary>Checks an expected version.</summary>
    public static void Expected(string tenant, string field, ExpectedVersion expected) =>
        Validation.orThrow(tenant, Validation.expectedVersion(field, expected));

    /// <summary>Checks a processor name.</summary>
    public static void Processor(string tenant, string processor)
    {
        Tenant(tenant);
        Validation.orThrow(tenant, Validation.processor("processor", processor));
    }

    /// <summary>
    /// Checks a dead letter a store is asked to keep (<see cref="DeadLetterRules.validate"/>) and returns it as every
    /// store keeps it (<see cref="DeadLetterRules.normalize"/>).
    /// </summary>
    public static DeadLetter DeadLetter(DeadLetter? deadLetter)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        Validation.orThrow(deadLetter.Tenant, DeadLetterRules.validate(deadLetter));
        return DeadLetterRules.normalize(deadLetter);
    }

    /// <summary>Checks a dead-letter listing's filters: the tenant and the processor name, each when given.</summary>
    public static void DeadLetterFilter(string? tenant, string? processor)
    {
        if (tenant is not null) Tenant(tenant);
        if (processor is not null) OrThrow(tenant, Validation.processor("processor", processor));
    }

    /// <summary>As <see cref="Validation.orThrow"/>, naming the tenant only when the input has one (a pause for every
    /// tenant, a listing of every tenant's dead letters).</summary>
    private static void OrThrow(string? tenant, Microsoft.FSharp.Core.FSharpResult<Microsoft.FSharp.Core.Unit, Validation.Error> result)
    {
        if (!result.IsError) return;
        if (tenant is not null) Validation.orThrow(tenant, result);
        throw new InvalidInputException(result.ErrorValue.Field, $"{result.ErrorValue.Field}: {result.ErrorValue.Message}");
    }

    /// <summary>Checks a tenant and a subject of personal data (see <see cref="ISubjectKeyStore"/>).</summary>
    public static void Subject(string tenant, string subject)
    {
        Tenant(tenant);
        Validation.orThrow(tenant, Validation.subject("subject", subject));
    }

    /// <summary>Checks a position.</summary>
    public static void Position(string tenant, string field, long position)
    {
        if (position < 0) Fail(tenant, field, $"the position must be 0 or more, not {position}.");
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(string tenant, string field, string message) =>
        throw new InvalidInputException(field, $"Tenant '{tenant}': {field}: {message}");
}
