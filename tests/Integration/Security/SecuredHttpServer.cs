using System.Text;
using Hybrid.InMemory.EventStore;
using Hybrid.Shell.GraphQL;
using Hybrid.Shell.Http;
using Hybrid.Shell.Queries;
using Hybrid.Tests.Integration.WriteSide;
using Hybrid.Tests.TestDomain;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Hybrid.Tests.Integration.Security;

/// <summary>
/// The HTTP adapter on Kestrel (loopback, a free port) with JwtBearer authentication, mounted once per caller resolver:
/// <c>/jwt</c> (JWT bearer, with GraphQL at <c>/jwt/graphql</c>), <c>/headers</c> (the default header resolver), <c>/claims</c> (the claims resolver, fed by
/// the only, hence default, authentication scheme), and two misconfigured ones — <c>/unknown-scheme</c> (a JWT resolver
/// naming a scheme nobody registered) and <c>/throwing</c> (a resolver that fails). Tokens are signed with a test key.
/// </summary>
public sealed class SecuredHttpServer : IAsyncDisposable
{
    public const string Issuer = "https://issuer.hybrid.test";
    public const string Audience = "hybrid-api";
    private static readonly SymmetricSecurityKey Key = new(Encoding.UTF8.GetBytes("hybrid-tests-signing-key-of-at-least-256-bits!"));

    private readonly WebApplication _app;

    private SecuredHttpServer(WebApplication app, InMemoryEventStore store, HttpClient http)
    {
        _app = app;
        Store = store;
        Http = http;
    }

    public InMemoryEventStore Store { get; }
    public HttpClient Http { get; }

    public static async Task<SecuredHttpServer> StartAsync()
    {
        var store = new InMemoryEventStore();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        AddTestJwtBearer(builder.Services);
        var app = builder.Build();
        var processor = WriteSideSetup.Processor(store);
        HybridHttpOptions Options(ICallerResolver? callers = null) => new()
        {
            Commands = processor,
            Queries = QueryProcessor.Of(WriteSideCatalog.registry, store, null),
            Registry = WriteSideCatalog.registry,
            Callers = callers ?? new HeaderCallerResolver(),
        };
        app.MapHybrid(Options(new JwtBearerCallerResolver()), "/jwt");
        app.MapHybridGraphQL(Options(new JwtBearerCallerResolver()), "/jwt/graphql");
        app.MapHybrid(Options(), "/headers");
        app.MapHybrid(Options(new JwtBearerCallerResolver(new JwtBearerCallerOptions { Scheme = "NoSuchScheme" })), "/unknown-scheme");
        app.MapHybrid(Options(new ClaimsCallerResolver()), "/claims");
        app.MapHybrid(Options(new ThrowingResolver()), "/throwing");
        await app.StartAsync();
        return new SecuredHttpServer(app, store, new HttpClient { BaseAddress = new Uri(app.Urls.Single()) });
    }

    /// <summary>JwtBearer authentication trusting the test issuer, audience and key (no clock skew).</summary>
    public static void AddTestJwtBearer(IServiceCollection services) =>
        services.AddAuthentication().AddJwtBearer(o =>
        {
            o.RequireHttpsMetadata = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = Issuer,
                ValidAudience = Audience,
                IssuerSigningKey = Key,
                ClockSkew = TimeSpan.Zero,
            };
        });

    /// <summary>
    /// A token signed with the test key (or <paramref name="key"/>), valid for an hour unless told otherwise; its tenant
    /// claim is <paramref name="tenant"/>, or the JSON array <paramref name="tenants"/>.
    /// </summary>
    public static string Token(string? tenant = null, string subject = "alice", string[]? roles = null, DateTime? expires = null,
        DateTime? notBefore = null, string issuer = Issuer, string audience = Audience, SecurityKey? key = null, string[]? tenants = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (tenant is not null) claims["tenant"] = tenant;
        if (tenants is not null) claims["tenant"] = tenants;
        if (roles is not null) claims["roles"] = roles;
        var start = notBefore ?? now.AddHours(-2);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = start,
            NotBefore = start,
            Expires = expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>An unsigned token ("alg": "none") with otherwise valid claims.</summary>
    public static string UnsignedToken(string tenant) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = new Dictionary<string, object> { ["sub"] = "alice", ["tenant"] = tenant },
            Expires = DateTime.UtcNow.AddHours(1),
        });

    /// <summary>A key the server does not trust.</summary>
    public static SecurityKey ForeignKey { get; } = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("some-other-signing-key-of-at-least-256-bits!!"));

    /// <summary>How many events every tenant holds together.</summary>
    public async Task<long> EventCount()
    {
        long total = 0;
        foreach (var tenant in await Store.GetTenants(CancellationToken.None)) total += await Store.GetHead(tenant, CancellationToken.None);
        return total;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
    }

    private sealed class ThrowingResolver : ICallerResolver
    {
        public ValueTask<CallerResult> ResolveAsync(HttpContext context) =>
            throw new InvalidOperationException("The identity provider's configuration is missing.");
    }
}
