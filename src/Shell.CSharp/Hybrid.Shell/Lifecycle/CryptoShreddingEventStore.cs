using System.Runtime.CompilerServices;
using Hybrid.Shell.Middleware;
using Hybrid.Shell.Stores;

namespace Hybrid.Shell.Lifecycle;

/// <summary>
/// Crypto-shredding over any event store: on append, the personal values the policy declares are sealed with the
/// subject's key (AES-GCM, <see cref="SubjectCipher"/>) before the store sees them; every read path (reads, stream
/// reads, reads by id, subscriptions, and so read models, processors and archives above it) unseals them, or yields
/// JSON null once <see cref="ForgetSubject"/> deleted the key. Forgetting appends a SubjectForgotten event, after
/// which read models fold again from the start.
/// </summary>
public sealed class CryptoShreddingEventStore(IEventStore inner, PersonalDataPolicy policy, ISubjectKeyStore keys, IIdSource ids)
    : DelegatingEventStore(inner), IEventPurger
{
    private static readonly InputLimits Unbounded = new(int.MaxValue, int.MaxValue, int.MaxValue);

    /// <inheritdoc />
    public override async Task<AppendResult> Append(AppendRequest request, CancellationToken ct)
    {
        // A null request goes on untouched, for the store to refuse it as invalid input.
        if (request is null) return await Inner.Append(request!, ct).ConfigureAwait(false);
        // Refused input creates no subject key: the request is checked before any key is made, with no size limits (the
        // store below checks its own, on the sealed bodies).
        AppendModule.validateOrThrow(Unbounded, request);
        var events = request.Events;
        ProposedEvent[]? sealedEvents = null;
        for (var i = 0; i < (events?.Length ?? 0); i++)
        {
            var e = events![i];
            if (e?.Data is null || policy.TryFind(e.Data.Type) is not { } found) continue;
            var declaration = found.Value;
            var subject = PersonalData.subjectOf(declaration, e.Data.Body)?.Value
                ?? throw new InvalidInputException($"events[{i}].Body",
                    $"Tenant '{request.Tenant}': events[{i}].Body: an event of type '{e.Data.Type}' holds personal data, so its body must name its subject in the string property '{declaration.SubjectField}'.");
            StoreInput.Tenant(request.Tenant);
            Validation.orThrow(request.Tenant, Validation.personalSubject($"events[{i}].Body.{declaration.SubjectField}", subject));
            var key = await keys.GetOrAdd(request.Tenant, subject, SubjectCipher.NewKey(), ct).ConfigureAwait(false);
            var body = PersonalData.seal(declaration, e.Data.Body,
                (field, plain) => SubjectCipher.Seal(key, request.Tenant, subject, field, plain)).Value;
            sealedEvents ??= (ProposedEvent[])events.Clone();
            sealedEvents[i] = new ProposedEvent(e.Id, new EventData(e.Data.Type, e.Data.Tags, e.Data.Stream, body, e.Data.SchemaVersion), e.Metadata);
        }
        var result = await Inner.Append(sealedEvents is null ? request : new AppendRequest(request.Tenant, sealedEvents, request.Condition, request.Checkpoint), ct).ConfigureAwait(false);
        return result is AppendResult.Appended appended ? AppendResult.NewAppended(await Unseal(request.Tenant, appended.Item, ct).ConfigureAwait(false)) : result;
    }

    /// <inheritdoc />
    public override async Task<RecordedEvent[]> Read(string tenant, EventQuery query, CancellationToken ct) =>
        await Unseal(tenant, await Inner.Read(tenant, query, ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    /// <inheritdoc />
    public override async Task<RecordedEvent[]> ReadStream(string tenant, StreamRead read, CancellationToken ct) =>
        await Unseal(tenant, await Inner.ReadStream(tenant, read, ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    /// <inheritdoc />
    public override async Task<RecordedEvent[]> ReadById(string tenant, Guid id, CancellationToken ct) =>
        await Unseal(tenant, await Inner.ReadById(tenant, id, ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    /// <inheritdoc />
    public override IAsyncEnumerable<SubscriptionMessage> Subscribe(string tenant, EventQuery query, CancellationToken ct)
    {
        // Checked here, not at the first MoveNextAsync: bad input fails the call that made it, as on every store.
        StoreInput.Query(tenant, query);
        // The store's cancellation rule holds after unsealing too: once cancelled, nothing more is delivered.
        return Unsealing(tenant, query, ct).UntilCancelled(ct);
    }

    private async IAsyncEnumerable<SubscriptionMessage> Unsealing(string tenant, EventQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var message in Inner.Subscribe(tenant, query, ct).ConfigureAwait(false))
            yield return message is SubscriptionMessage.Event e
                ? SubscriptionMessage.NewEvent((await Unseal(tenant, [e.Item], ct).ConfigureAwait(false))[0])
                : message;
    }

    /// <summary>The decorated store, as stored: personal values sealed (archive from here, so archives never hold them in clear).</summary>
    public IEventStore Sealed => Inner;

    /// <summary>
    /// Events read elsewhere (an archive) with their personal values unsealed, or redacted (JSON null) when their
    /// subject was forgotten: an archive written before the subject was forgotten is redacted when read back after.
    /// </summary>
    public async Task<RecordedEvent[]> Reveal(RecordedEvent[] events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        var revealed = new List<RecordedEvent>(events.Length);
        foreach (var group in events.GroupBy(e => e.Tenant, StringComparer.Ordinal))
            revealed.AddRange(await Unseal(group.Key, group.ToArray(), ct).ConfigureAwait(false));
        var byId = revealed.ToDictionary(e => (e.Tenant, e.Id));
        return events.Select(e => byId[(e.Tenant, e.Id)]).ToArray();
    }

    /// <inheritdoc />
    public Task<PurgeResult> Purge(PurgeRequest request, CancellationToken ct) =>
        Inner is IEventPurger purger ? purger.Purge(request, ct) : throw new NotSupportedException("The decorated store cannot purge.");

    /// <summary>
    /// Forgets a subject of a tenant: deletes its key (every sealed value of it reads as null from now on, everywhere)
    /// and appends a SubjectForgotten event. A subject with no key is refused (<see cref="ForgetResult.UnknownSubject"/>)
    /// and nothing changes.
    /// </summary>
    public async Task<ForgetResult> ForgetSubject(string tenant, string subject, string reason, CancellationToken ct)
    {
        StoreInput.Tenant(tenant);
        Validation.orThrow(tenant, Validation.personalSubject("subject", subject));
        if (string.IsNullOrWhiteSpace(reason)) throw new InvalidInputException("reason", $"Tenant '{tenant}': reason: forgetting a subject needs a reason (it is kept in the audit event).");
        if (!await keys.Forget(tenant, subject, ct).ConfigureAwait(false))
            return ForgetResult.NewUnknownSubject($"Tenant '{tenant}': subject '{subject}' has no key (it sealed nothing, or was forgotten already).");
        var body = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["subject"] = subject, ["reason"] = reason });
        var audit = new ProposedEvent(ids.NewId(), EventData.Tagged(FoldInvalidation.SubjectForgottenType, body), EventMetadata.Empty);
        var written = await Inner.Append(AppendRequest.Of(tenant, audit), ct).ConfigureAwait(false);
        return ForgetResult.NewForgotten(((AppendResult.Appended)written).Item[0]);
    }

    private async Task<RecordedEvent[]> Unseal(string tenant, RecordedEvent[] events, CancellationToken ct)
    {
        if (policy.IsEmpty) return events;
        Dictionary<string, byte[]?>? known = null;
        RecordedEvent[]? result = null;
        for (var i = 0; i < events.Length; i++)
        {
            var e = events[i];
            if (policy.TryFind(e.Type) is not { } found || !e.Body.Contains(PersonalData.SealedPrefix, StringComparison.Ordinal)) continue;
            var declaration = found.Value;
            known ??= new Dictionary<string, byte[]?>(StringComparer.Ordinal);
            var subject = PersonalData.subjectOf(declaration, e.Body)?.Value ?? "";
            if (!known.TryGetValue(subject, out var key))
                known[subject] = key = Validation.personalSubject("subject", subject).IsError ? null : await keys.TryGet(tenant, subject, ct).ConfigureAwait(false);
            var body = PersonalData.unseal(declaration, e.Body,
                (s, field, token) => key is null ? null! : SubjectCipher.Open(key, tenant, s, field, token)!);
            result ??= (RecordedEvent[])events.Clone();
            result[i] = e.WithBody(body);
        }
        return result ?? events;
    }
}
