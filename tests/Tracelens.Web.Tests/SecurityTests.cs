using System.Net;
using System.Text.Json;
using Tracelens.Web.Security;
using Tracelens.Web.Tests.Support;
using Xunit;

namespace Tracelens.Web.Tests;

/// <summary>The DNS-rebinding guard and the security headers.</summary>
public sealed class SecurityTests : IDisposable
{
    private readonly DashboardFactory _factory = DashboardFactory.For(FixtureLedger.Instance);
    private readonly HttpClient _client;

    public SecurityTests() => _client = _factory.CreateClient();

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    private async Task<HttpResponseMessage> GetWithHost(string path, string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        return await _client.SendAsync(request);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:5000")]
    [InlineData("127.0.0.1.nip.io:5000")]
    [InlineData("localhost.evil.example")]
    [InlineData("192.168.1.20:5000")]
    public async Task A_request_for_a_foreign_host_is_refused_and_the_server_keeps_answering(string host)
    {
        using (var refused = await GetWithHost("/api/version", host))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            using var doc = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal("forbidden-host", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
            Assert.Contains(host, doc.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Equal(SecurityHeaders.ContentSecurityPolicy, refused.Headers.GetValues("Content-Security-Policy").Single());
        }

        using var answered = await GetWithHost("/api/version", "127.0.0.1:5000");
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:41234")]
    [InlineData("127.0.0.1:41234")]
    [InlineData("[::1]:41234")]
    [InlineData("LOCALHOST:41234")]
    public async Task Loopback_hosts_are_served(string host)
    {
        using var response = await GetWithHost("/api/version", host);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/overview")]
    public async Task Responses_carry_a_same_origin_only_policy(string path)
    {
        using var response = await _client.GetAsync(path);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, csp);
        Assert.DoesNotContain("http", csp, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("*", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }
}
