using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hybrid.Sample.Host;

namespace Hybrid.Tests.Integration.Sample;

/// <summary>
/// `serve` with a master key (<see cref="SampleHybrid.MasterKeyVariable"/>) that is not the one the data directory's
/// subject keys were wrapped with. Regression: a command reaching such a key answered 500 with a trace id only.
/// </summary>
public sealed class MasterKeyServeTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-master-key-");

    public void Dispose() => _temp.Delete(recursive: true);

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Invite(string url, string email)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(1) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/commands/InviteCustomer")
        {
            Content = new StringContent($$"""{"customerId":"c-1","email":"{{email}}"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Tenant", "acme");
        request.Headers.Add("X-Actor", "ann");
        request.Headers.Add("X-Roles", "member,admin");
        var response = await http.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body, response);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> ServeAndInvite(string key, string email)
    {
        using var serve = ServeProcess.StartWith(new Dictionary<string, string> { [SampleHybrid.MasterKeyVariable] = key },
            "serve", "--data", Path.Combine(_temp.FullName, "data"), "--urls", "http://127.0.0.1:0");
        var answer = await Invite(await serve.Url(), email);
        serve.Terminate();
        Assert.Equal(0, await serve.ExitCode());
        return answer;
    }

    [Fact]
    public async Task serve_with_another_master_key_than_the_data_was_stored_with_answers_503_naming_the_tenant_and_not_500()
    {
        var invited = await ServeAndInvite(NewKey(), "zoe@example.com");
        Assert.Equal(HttpStatusCode.OK, invited.Status);

        var (status, body, response) = await ServeAndInvite(NewKey(), "zoe.new@example.com");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("unavailable", body.GetProperty("outcome").GetString());
        var detail = body.GetProperty("detail").GetString()!;
        Assert.Contains("Tenant 'acme'", detail);
        Assert.Contains("master key", detail);
        Assert.DoesNotContain("traceId", body.GetRawText());
        Assert.DoesNotContain("c-1", body.GetRawText()); // the subject may identify a person
    }
}
