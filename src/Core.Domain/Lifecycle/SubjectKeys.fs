// The key store port of crypto-shredding: one secret key per (tenant, subject). Forgetting a subject deletes its key,
// so every sealed value of that subject can no longer be read anywhere (log, caches, archives).
namespace Hybrid

open System.Threading
open System.Threading.Tasks

/// Keys per tenant and subject. Every store of the application keeps its own (in memory, PostgreSQL, LMDB).
type ISubjectKeyStore =
    /// The subject's key, creating it from `candidate` when the subject has none.
    abstract GetOrAdd: tenant: TenantId * subject: string * candidate: byte[] * ct: CancellationToken -> Task<byte[]>
    /// The subject's key, or null when it has none (never had one, or was forgotten).
    abstract TryGet: tenant: TenantId * subject: string * ct: CancellationToken -> Task<byte[]>
    /// Deletes the subject's key; false when it had none.
    abstract Forget: tenant: TenantId * subject: string * ct: CancellationToken -> Task<bool>

/// The key of each tenant's keyed tags (KeyedTags.tag), the same for a tenant for ever; the shell passes it to
/// decisions in DecisionContext.TagKey.
type ITenantTagKeys =
    /// The tenant's tag key (created on first use).
    abstract KeyOf: tenant: TenantId * ct: CancellationToken -> Task<byte[]>

/// Why forgetting a subject changed nothing.
type ForgetResult =
    /// The key is deleted and the audit event appended.
    | Forgotten of audit: RecordedEvent
    /// The tenant has no key for the subject (never sealed anything, or already forgotten).
    | UnknownSubject of reason: string
