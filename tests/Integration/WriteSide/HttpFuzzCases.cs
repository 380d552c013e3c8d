using System.Text;
using System.Text.Json;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>
/// Generates the fuzz test's requests from a seed: valid commands and queries (records and F# unions), and every
/// kind of bad request (caller headers, query parameters, content types, sizes, broken JSON, wrong shapes, unknown
/// fields, unknown names, store-refused ids), each with the answer the adapter owes it.
/// </summary>
internal sealed class HttpFuzzCases(int seed, string tenant, string quietTenant, int maxBodyBytes)
{
    private readonly Random _random = new(seed);
    private int _serial;

    private static readonly string[] Shapes =
        ["\"Dot\"", """{"Circle":2.5}""", """{"Labelled":{"label":"l’été","weight":3}}""", """{"Rect":{"width":2,"height":3}}"""];

    private delegate HttpFuzzCase Maker(HttpFuzzCases cases);

    private static readonly Maker[] Makers =
    [
        c => c.Increment(),
        c => c.Draw(),
        c => c.CounterTotalOfNothing(),
        c => c.UnknownCommand(),
        c => c.UnknownQuery(),
        c => c.WrongContentType(),
        c => c.TooLarge(),
        c => c.MissingTenant(),
        c => c.BadTenant(),
        c => c.LongActor(),
        c => c.BadQueryParameter(),
        c => c.BadCommandId(),
        c => c.BadPrecondition(),
        c => c.TruncatedJson(),
        c => c.WrongShape(),
        c => c.UnknownField(),
        c => c.MissingField(),
        c => c.BadUnion(),
        c => c.InvalidUtf8(),
        c => c.Anonymous(),
        c => c.Rejected(),
        c => c.StoreRefusedId(),
        c => c.MissingTarget(),
        c => c.EmptyBody(),
    ];

    public HttpFuzzCase Next() => Makers[_random.Next(Makers.Length)](this);

    private string Id() => $"f{Interlocked.Increment(ref _serial)}-{_random.Next(1000)}";

    private Dictionary<string, string> Caller(string? tenant = null) => new()
    {
        ["X-Tenant"] = tenant ?? quietTenant,
        ["X-Actor"] = "fuzzer",
        ["X-Correlation-Id"] = $"fuzz-{_serial}",
    };

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private HttpFuzzCase Json(string kind, string path, string json, int status, string? field, Dictionary<string, string>? headers = null) =>
        new(kind, path, Utf8(json), PickJsonType(), headers ?? Caller(), status, field);

    private string PickJsonType() => _random.Next(4) switch
    {
        0 => "application/json; charset=utf-8",
        1 => "application/problem+json",
        _ => "application/json",
    };

    private string IncrementBody(string counter, int by) => $$"""{"counterId":"{{counter}}","by":{{by}}}""";

    private HttpFuzzCase Increment() =>
        Json("valid increment", "/commands/Increment", IncrementBody(Id(), _random.Next(1, 10)), 200, null, Caller(tenant));

    private HttpFuzzCase Draw()
    {
        var shape = Shapes[_random.Next(Shapes.Length)];
        var note = _random.Next(3) switch { 0 => "", 1 => ",\"note\":null", _ => ",\"note\":\"it's Zürich\"" };
        var json = $$"""{"boardId":"{{Id()}}","shape":{{shape}},"colours":["red","blue"]{{note}}}""";
        return Json("valid union command", "/commands/Draw", json, 200, null, Caller(tenant));
    }

    private HttpFuzzCase CounterTotalOfNothing() =>
        Json("query of a missing counter", "/queries/CounterTotal", $$"""{"counterId":"{{Id()}}"}""", 404, null);

    private HttpFuzzCase UnknownCommand() => Json("unknown command", $"/commands/Launch{_random.Next(100)}", IncrementBody("x", 1), 404, null);

    private HttpFuzzCase UnknownQuery() => Json("unknown query", $"/queries/Nope{_random.Next(100)}", "{}", 404, null);

    private HttpFuzzCase WrongContentType()
    {
        var type = _random.Next(5) switch
        {
            0 => "text/plain",
            1 => "application/xml",
            2 => "application/json; charset=iso-8859-1",
            3 => "multipart/form-data; boundary=x",
            _ => null,
        };
        return new("wrong content type", "/commands/Increment", Utf8(IncrementBody(Id(), 1)), type, Caller(), 415, "Content-Type");
    }

    private HttpFuzzCase TooLarge()
    {
        var padding = new string('x', maxBodyBytes + _random.Next(1, 4096));
        return Json("too large", "/commands/Increment", $$"""{"counterId":"{{padding}}","by":1}""", 413, "body");
    }

    private HttpFuzzCase MissingTenant()
    {
        var headers = Caller();
        headers.Remove("X-Tenant");
        return Json("missing tenant", "/commands/Increment", IncrementBody(Id(), 1), 400, "X-Tenant", headers);
    }

    private HttpFuzzCase BadTenant()
    {
        var bad = _random.Next(3) switch { 0 => "a b", 1 => new string('t', 65), _ => "-starts-with-dash" };
        return Json("bad tenant", "/commands/Increment", IncrementBody(Id(), 1), 400, "X-Tenant", Caller(bad));
    }

    private HttpFuzzCase LongActor()
    {
        var headers = Caller();
        headers["X-Actor"] = new string('a', 201 + _random.Next(2000));
        return Json("long actor", "/commands/Increment", IncrementBody(Id(), 1), 400, "X-Actor", headers);
    }

    private HttpFuzzCase BadQueryParameter()
    {
        var (query, field) = _random.Next(8) switch
        {
            0 => ("waitMs=-1", "waitMs"),
            1 => ("waitMs=soon", "waitMs"),
            2 => ("waitMs=99999999", "waitMs"),
            3 => ("expectedVersion=x", "expectedVersion"),
            4 => ("expectedVersion=-3", "expectedVersion"),
            5 => ("views=counters", "views"),
            6 => ("waitMs=10&views=nosuchmodel", "views"),
            _ => ("limit=5", "limit"),
        };
        return Json("bad query parameter", $"/commands/Increment?{query}", IncrementBody(Id(), 1), 400, field);
    }

    private HttpFuzzCase BadCommandId()
    {
        var headers = Caller();
        headers["X-Command-Id"] = _random.Next(2) == 0 ? "not-a-guid" : Guid.Empty.ToString();
        return Json("bad command id", "/commands/Increment", IncrementBody(Id(), 1), 400, "X-Command-Id", headers);
    }

    private HttpFuzzCase BadPrecondition()
    {
        var headers = Caller();
        var (field, status) = ("If-None-Match", 400);
        switch (_random.Next(5))
        {
            case 0: headers["If-None-Match"] = "\"4\""; break;
            case 1: headers["If-None-Match"] = "*"; headers["If-Match"] = "1"; break;
            case 2: headers["If-Match"] = "\"1\", \"2\""; field = "If-Match"; break;
            case 3: headers["If-Match"] = "\"abc\""; (field, status) = ("If-Match", 412); break; // a tag that is no version never matches
            default: headers["If-Match"] = "W/\"1\""; (field, status) = ("If-Match", 412); break; // a weak tag never matches
        }
        return Json("bad precondition", "/commands/Increment", IncrementBody(Id(), 1), status, field, headers);
    }

    private HttpFuzzCase TruncatedJson()
    {
        var json = IncrementBody(Id(), 1);
        return Json("truncated JSON", "/commands/Increment", json[..(_random.Next(1, json.Length - 1))], 400, "body");
    }

    private HttpFuzzCase WrongShape()
    {
        var (json, field) = _random.Next(9) switch
        {
            0 => ("""{"counterId":"c","by":"3"}""", "by"),
            1 => ("""{"counterId":7,"by":3}""", "counterId"),
            2 => ("""[{"counterId":"c","by":3}]""", "body"),
            3 => ("""{"counterId":"c","by":3.5}""", "by"),
            4 => ("\"just a string\"", "body"),
            5 => ("""{"counterId":"c","by":1,"by":2}""", "by"),
            6 => ("""{"counterId":"c","by":99999999999}""", "by"),
            7 => ("""{"counterId":"c\udc00","by":1}""", "counterId"),
            _ => ("""{"counterId":"c","by":null}""", "by"),
        };
        return Json("wrong shape", "/commands/Increment", json, 400, field);
    }

    private HttpFuzzCase UnknownField()
    {
        var name = $"extra{_random.Next(100)}";
        return Json("unknown field", "/commands/Increment", $$$"""{"counterId":"c","by":1,"{{{name}}}":{"deep":[1,2]}}""", 400, name);
    }

    private HttpFuzzCase MissingField() =>
        _random.Next(2) == 0
            ? Json("missing field", "/commands/Increment", """{"counterId":"c"}""", 400, "by")
            : Json("missing field", "/commands/Draw", """{"boardId":"b","colours":[]}""", 400, "shape");

    private HttpFuzzCase BadUnion()
    {
        var shape = _random.Next(4) switch
        {
            0 => "\"Hexagon\"",
            1 => """{"Circle":"big"}""",
            2 => """{"Rect":[1,2]}""",
            _ => "42",
        };
        return Json("bad union", "/commands/Draw", $$"""{"boardId":"b","shape":{{shape}},"colours":[]}""", 400, null);
    }

    private HttpFuzzCase InvalidUtf8()
    {
        var bytes = Utf8(IncrementBody("c", 1));
        bytes[14] = 0xC3;
        bytes[15] = 0x28;
        return new("invalid UTF-8", "/commands/Increment", bytes, "application/json", Caller(), 400, "body");
    }

    private HttpFuzzCase Anonymous()
    {
        var headers = Caller();
        headers.Remove("X-Actor");
        return Json("anonymous", "/commands/Increment", IncrementBody(Id(), 1), 403, null, headers);
    }

    private HttpFuzzCase Rejected() => Json("rejected", "/commands/Increment", IncrementBody(Id(), 1_000 + _random.Next(100)), 422, null);

    private HttpFuzzCase StoreRefusedId() =>
        Json("id the store refuses", "/commands/Increment", IncrementBody(new string('c', 195 + _random.Next(100)), 1), 400, null);

    private HttpFuzzCase MissingTarget() => Json("missing target", "/commands/Decrement", IncrementBody(Id(), 1), 404, null);

    private HttpFuzzCase EmptyBody() =>
        _random.Next(2) == 0
            ? Json("empty body", "/commands/Increment", "", 400, "body")
            : Json("null body", "/commands/Increment", "null", 400, "body");

    /// <summary>The JSON sent must parse where the case says it is valid (a guard against a broken generator).</summary>
    public static void CheckValid(HttpFuzzCase c)
    {
        if (c.Status == 200) JsonDocument.Parse(c.Body!).Dispose();
    }
}
