using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Hybrid.Tests.Integration.GraphQL;

/// <summary>POSTs GraphQL requests (or any body) to <c>/graphql</c> with caller headers, as a client would.</summary>
internal sealed class GraphQLClient(HttpClient http)
{
    public Task<(HttpStatusCode Status, JsonElement Body)> Send(string query, object? variables = null, string? tenant = "acme",
        string? actor = "ann", string? roles = "member,admin") =>
        SendRaw(JsonSerializer.Serialize(new { query, variables }), tenant, actor, roles);

    public async Task<(HttpStatusCode Status, JsonElement Body)> SendRaw(string body, string? tenant = "acme", string? actor = "ann",
        string? roles = "member,admin")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        if (tenant is not null) request.Headers.Add("X-Tenant", tenant);
        if (actor is not null) request.Headers.Add("X-Actor", actor);
        if (roles is not null) request.Headers.Add("X-Roles", roles);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The code of the only error.</summary>
    public static string ErrorCode(JsonElement body) =>
        Assert.Single(body.GetProperty("errors").EnumerateArray()).GetProperty("extensions").GetProperty("code").GetString()!;
}
