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
}
