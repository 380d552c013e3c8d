namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// The dead-letter store contract, on every store's dead-letter store: one dead letter per (tenant, processor, position),
/// replaced by a second Put; listed in ordinal order of tenant, processor and position; no tenant sees another's; bad
/// input refused alike naming the field, with nothing kept; and what a Put keeps is the same on every store (the failure
/// time to the microsecond, an error text the database can hold).
/// </summary>
public abstract class DeadLetterStoreConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private readonly IEventStoreFactory _factory = factory;

    private Task<IDeadLetterStore> Created() => ((IDeadLetterStoreFactory)_factory).CreateDeadLettersAsync();

    private static readonly DateTimeOffset At = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private DeadLetter Letter(string processor, long position, string? tenant = null, string error = "InvalidOperationException: boom",
        DateTimeOffset? failedAt = null, int attempts = 3, DeadLetterStatus status = DeadLetterStatus.Pending) =>
        new(tenant ?? Tenant, processor, position, Guid.CreateVersion7(), "OrderPlaced", error, attempts, failedAt ?? At, status);

    [Fact]
    public async Task a_dead_letter_is_kept_per_tenant_processor_and_position_and_a_second_put_replaces_it()
    {
        var letters = await Created();
        var first = Letter("invoicer", 4);
        await letters.Put(first, Ct);
        Assert.Equal(first, (await letters.TryGet(Tenant, "invoicer", 4, Ct)).Value);

        var replayed = first.FailedAgain("TimeoutException: again", 2, At.AddMinutes(5)).WithStatus(DeadLetterStatus.Replayed);
        await letters.Put(replayed, Ct);

        Assert.Equal(replayed, (await letters.TryGet(Tenant, "invoicer", 4, Ct)).Value);
        Assert.Equal(5, replayed.Attempts);
        Assert.Single(await letters.List(Tenant, null!, Ct));
        Assert.Null(await letters.TryGet(Tenant, "invoicer", 5, Ct));
        Assert.Null(await letters.TryGet(Tenant, "mailer", 4, Ct));
    }

    [Fact]
    public async Task dead_letters_are_listed_in_ordinal_order_of_tenant_processor_and_position_and_filtered()
    {
        var letters = await Created();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        // Ordinal order puts upper case before lower case, and '-' before letters: a culture's order does not.
        string[] processors = [$"Zeta-{suffix}", $"alpha-{suffix}", $"alpha{suffix}"];
        foreach (var processor in processors)
            foreach (var position in new long[] { 10, 2 })
                await letters.Put(Letter(processor, position), Ct);

        var listed = await letters.List(Tenant, null!, Ct);

        Assert.Equal(
            processors.Order(StringComparer.Ordinal).SelectMany(p => new[] { (p, 2L), (p, 10L) }),
            listed.Select(l => (l.Processor, l.Position)));
        Assert.Equal([2L, 10L], (await letters.List(Tenant, processors[1], Ct)).Select(l => l.Position));
        Assert.Equal(6, (await letters.List(null!, null!, Ct)).Count(l => l.Tenant == Tenant));
        Assert.Equal(2, (await letters.List(null!, processors[0], Ct)).Length);
    }

    [Fact]
    public async Task a_tenant_never_sees_another_tenants_dead_letters()
    {
        var letters = await Created();
        var other = Tenants.Fresh();
        await letters.Put(Letter("invoicer", 1), Ct);

        Assert.Null(await letters.TryGet(other, "invoicer", 1, Ct));
        Assert.Empty(await letters.List(other, null!, Ct));
        Assert.Empty(await letters.List(other, "invoicer", Ct));
    }

    [Fact]
    public async Task what_a_put_keeps_is_the_same_on_every_store_the_time_to_the_microsecond_and_any_error_text()
    {
        var letters = await Created();
        var odd = At.AddTicks(1_234_567).ToOffset(TimeSpan.FromHours(2));
        var error = "HttpRequestException: the reply held a NUL\0 here; " + new string('x', DeadLetterRules.MaxErrorLength);
        await letters.Put(Letter("invoicer", 7, error: error, failedAt: odd), Ct);

        var kept = (await letters.TryGet(Tenant, "invoicer", 7, Ct)).Value;

        Assert.Equal(At.AddTicks(1_234_560), kept.FailedAt);
        Assert.Equal(TimeSpan.Zero, kept.FailedAt.Offset);
        Assert.Equal(DeadLetterRules.MaxErrorLength, kept.Error.Length);
        Assert.StartsWith("HttpRequestException: the reply held a NUL\uFFFD here; xxx", kept.Error);
        Assert.EndsWith("x…", kept.Error);
        Assert.Equal(kept, Assert.Single(await letters.List(Tenant, "invoicer", Ct)));
    }

    [Theory]
    [InlineData("tenant")]
    [InlineData("processor")]
    [InlineData("position")]
    [InlineData("attempts")]
    [InlineData("status")]
    public async Task a_bad_dead_letter_is_refused_alike_by_every_store_naming_its_field_and_nothing_is_kept(string field)
    {
        var letters = await Created();
        var bad = field switch
        {
            "tenant" => Letter("invoicer", 3, tenant: "bad tenant"),
            "processor" => Letter("", 3),
            "position" => Letter("invoicer", 0),
            "attempts" => Letter("invoicer", 3, attempts: -1),
            _ => Letter("invoicer", 3, status: (DeadLetterStatus)7),
        };

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => letters.Put(bad, Ct));

        Assert.Equal(field, error.Field);
        Assert.Empty(await letters.List(Tenant, null!, Ct));
    }

    [Fact]
    public async Task reading_with_a_malformed_tenant_or_processor_is_bad_input_naming_it()
    {
        var letters = await Created();
        Assert.Equal("tenant", (await Assert.ThrowsAsync<InvalidInputException>(() => letters.TryGet("bad tenant", "invoicer", 1, Ct))).Field);
        Assert.Equal("processor", (await Assert.ThrowsAsync<InvalidInputException>(() => letters.TryGet(Tenant, "no such/processor", 1, Ct))).Field);
        Assert.Equal("tenant", (await Assert.ThrowsAsync<InvalidInputException>(() => letters.List("bad tenant", null!, Ct))).Field);
        Assert.Equal("processor", (await Assert.ThrowsAsync<InvalidInputException>(() => letters.List(null!, "", Ct))).Field);
    }
}
