using Hybrid.Shell.Stores;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// A body is the JSON text it was appended with, byte for byte, on every read path of every store: key order,
/// whitespace, number spellings and escapes are the writer's (a store must not hand back a normal form of its own).
/// </summary>
public abstract class BodyConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private static readonly string[] Bodies =
    [
        """{"zeta":1,"alpha":2}""",
        """{ "spaced" : [ 1 , 2 ] ,"nested":{"b":true,"a":null} }""",
        """{"price":1.50,"huge":1e400,"small":-0.0,"exp":2E+3}""",
        """{"escaped":"\u00e9\n\"quoted\"","raw":"é ✓ 𝄞"}""",
        "[3,2,1]",
        "\"just a string\"",
        "{\n  \"pretty\": \"printed\",\n  \"list\": [\n    1\n  ]\n}",
    ];

    [Fact]
    public async Task a_body_reads_back_byte_for_byte_from_every_read_path()
    {
        var written = await AppendOk(Bodies.Select(b => WithBody("Shaped", "shapes-1", b)).ToArray());
        Assert.Equal(Bodies, written.Select(e => e.Body));
        Assert.Equal(Bodies, (await ReadAll()).Select(e => e.Body));
        Assert.Equal(Bodies, (await Store.ReadStream(Tenant, StreamRead.Forward("shapes-1"), Ct)).Select(e => e.Body));
        Assert.Equal(Bodies, (await Store.Read(Tenant, EventQuery.OfTypes("Shaped"), Ct)).Select(e => e.Body));
        Assert.Equal(Bodies.Reverse(), (await Store.ReadStream(Tenant, StreamRead.Backward("shapes-1"), Ct)).Select(e => e.Body));
        for (var i = 0; i < written.Length; i++)
            Assert.Equal(Bodies[i], Assert.Single(await Store.ReadById(Tenant, written[i].Id, Ct)).Body);
    }

    [Fact]
    public async Task bodies_of_every_json_shape_and_at_the_size_limit_read_back_whole()
    {
        string[] shapes = [" {} ", "null", "0", "\t[]\n", "true", "\"\"", "-1.5e-7", "{\"a\":\"\\uFFFF\\uD83D\\uDE00\"}", "{\"\uFFFF\":1}"];
        var written = await AppendOk(shapes.Select(b => WithBody("Shape", "shapes", b)).ToArray());
        Assert.Equal(shapes, (await ReadAll()).Select(e => e.Body));
        var max = InputLimits.Default.MaxBodyBytes;
        // A JSON string of two-byte characters filling the limit exactly.
        var filler = new string('é', (max - 2) / 2);
        var largest = "\"" + filler + new string('x', max - 2 - filler.Length * 2) + "\"";
        Assert.Equal(max, System.Text.Encoding.UTF8.GetByteCount(largest));
        var big = await AppendOk(WithBody("Big", "big", largest), WithBody("Big", "big", largest));
        Assert.Equal([largest, largest], (await Store.ReadStream(Tenant, StreamRead.Forward("big"), Ct)).Select(e => e.Body));
        Assert.Equal(largest, Assert.Single(await Store.ReadById(Tenant, big[1].Id, Ct)).Body);
        Assert.Equal(Ids(written.Concat(big)), Ids(await ReadAll()));
    }
}
