using System.Net;
using System.Security.Cryptography;
using System.Text;
using Hybrid.Sample.Host;

namespace Hybrid.Tests.Integration.Sample;

/// <summary>
/// `serve` with a master key (<see cref="SampleHybrid.MasterKeyVariable"/>) that does not open the subject keys of the
/// data directory. Regression: it started, and every command reaching such a key answered 500 with a trace id only.
/// </summary>
public sealed class MasterKeyServeTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-master-key-");

    public void Dispose() => _temp.Delete(recursive: true);

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static Dictionary<string, string> WithKey(string? key) =>
        key is null ? [] : new Dictionary<string, string> { [SampleHybrid.MasterKeyVariable] = key };

    private ServeProcess Serve(string? key) =>
        ServeProcess.StartWith(WithKey(key), "serve", "--data", Path.Combine(_temp.FullName, "data"), "--urls", "http://127.0.0.1:0");

    private async Task InviteUnder(string? key)
    {
        using var serve = Serve(key);
        using var http = new HttpClient { BaseAddress = new Uri(await serve.Url()), Timeout = TimeSpan.FromMinutes(1) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/commands/InviteCustomer")
        {
            Content = new StringContent("""{"customerId":"c-1","email":"zoe@example.com"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Tenant", "acme");
        request.Headers.Add("X-Actor", "ann");
        request.Headers.Add("X-Roles", "member,admin");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        serve.Terminate();
        Assert.Equal(0, await serve.ExitCode());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task serve_with_a_master_key_that_does_not_open_the_stored_keys_exits_before_listening_naming_the_variable_and_tenant(bool storedWithAKey)
    {
        await InviteUnder(storedWithAKey ? NewKey() : null);
        var other = NewKey();

        using var serve = Serve(other);

        Assert.Equal(1, await serve.ExitCode());
        var error = Assert.Single(serve.Errors);
        Assert.StartsWith("hybrid-sample serve: HYBRID_SAMPLE_MASTER_KEY does not open the personal data stored for tenant 'acme'", error);
        Assert.DoesNotContain(other, error);
        Assert.DoesNotContain(serve.Output, l => l.Contains("Now listening", StringComparison.Ordinal));
    }

    [Fact]
    public async Task serve_with_the_master_key_the_data_was_stored_with_starts_and_serves_it()
    {
        var key = NewKey();
        await InviteUnder(key);

        using var serve = Serve(key);
        var url = await serve.Url();
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/commands/InviteCustomer")
        {
            Content = new StringContent("""{"customerId":"c-2","email":"zoe@example.com"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Tenant", "acme");
        request.Headers.Add("X-Actor", "ann");
        request.Headers.Add("X-Roles", "member,admin");
        using var response = await http.SendAsync(request);
        // The same email again: refused (422) after the lookup read the first invite, unwrapping its subject key.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        serve.Terminate();
        Assert.Equal(0, await serve.ExitCode());
    }
}
