namespace Hybrid.Shell.Operations;

/// <summary>Why an operator's request was refused (nothing was changed).</summary>
public enum OperationRefusal
{
    /// <summary>A malformed value: tenant id, position, name.</summary>
    InvalidInput,
    /// <summary>No such tenant (no events and not registered).</summary>
    UnknownTenant,
    /// <summary>No processor (or producer) of that name.</summary>
    UnknownProcessor,
    /// <summary>No read model of that name.</summary>
    UnknownReadModel,
    /// <summary>No dead letter at that tenant, processor and position.</summary>
    UnknownDeadLetter,
    /// <summary>The dead letter was already replayed or discarded.</summary>
    NotPending,
    /// <summary>A node still runs the processor for the tenant; try again.</summary>
    Busy,
    /// <summary>The tenant has no key for the subject: it sealed nothing, or was forgotten already.</summary>
    UnknownSubject,
    /// <summary>Crypto-shredding is not on (<c>UseCryptoShredding</c> was not called), so there is nothing to forget.</summary>
    ShreddingOff,
}
