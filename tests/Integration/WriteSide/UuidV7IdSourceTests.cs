using System.Collections.Concurrent;
using Hybrid.Shell.Ids;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Hybrid.Integration.WriteSide;

public sealed class UuidV7IdSourceTests
{
    private static readonly DateTimeOffset Instant = new(2026, 12, 4, 21, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void ids_are_version_7_with_the_rfc_variant_and_the_clocks_milliseconds_like_Guid_CreateVersion7()
    {
        var source = new UuidV7IdSource(new FakeTimeProvider(Instant));
        var reference = Guid.CreateVersion7(Instant).ToByteArray(bigEndian: true);
        for (var i = 0; i < 1_000; i++)
        {
            var bytes = source.NewId().ToByteArray(bigEndian: true);
            Assert.Equal(reference[..6], bytes[..6]);
            Assert.Equal(0x70, bytes[6] & 0xF0);
            Assert.Equal(0x80, bytes[8] & 0xC0);
        }
    }

    [Fact]
    public void ids_drawn_on_many_threads_past_the_random_pool_are_all_distinct()
    {
        var source = new UuidV7IdSource(new FakeTimeProvider(Instant));
        var seen = new ConcurrentDictionary<Guid, byte>();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 5_000; i++) Assert.True(seen.TryAdd(source.NewId(), 0));
        });
        Assert.Equal(40_000, seen.Count);
    }

    [Fact]
    public void ids_of_later_milliseconds_sort_after_earlier_ones()
    {
        var clock = new FakeTimeProvider(Instant);
        var source = new UuidV7IdSource(clock);
        var earlier = source.NewId();
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var later = source.NewId();
        Assert.True(string.CompareOrdinal(earlier.ToString(), later.ToString()) < 0);
    }

    [Fact]
    public void an_instant_before_the_unix_epoch_is_refused_naming_it()
    {
        var source = new UuidV7IdSource(new FakeTimeProvider(new DateTimeOffset(1969, 12, 31, 0, 0, 0, TimeSpan.Zero)));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => source.NewId());
        Assert.Equal("at", error.ParamName);
    }
}
