using System.Net;
using Tracelens.Web.Tests.Support;
using Xunit;

namespace Tracelens.Web.Tests;

/// <summary>The page is served from the assembly, and everything it loads comes from this origin.</summary>
public sealed class PageTests : IDisposable
{
    private readonly DashboardFactory _factory = DashboardFactory.For(FixtureLedger.Instance);
    private readonly HttpClient _client;

    public PageTests() => _client = _factory.CreateClient();

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/app.js", "text/javascript")]
    [InlineData("/app.css", "text/css")]
    [InlineData("/vendor/echarts/echarts.min.js", "text/javascript")]
    public async Task The_page_and_its_assets_are_served_from_embedded_resources(string path, string mediaType)
    {
        // Static files are read only through the embedded provider (DashboardApp), never from disk.
        using var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 500);
    }

    [Fact]
    public async Task The_vendored_charting_library_is_echarts_6_1_0()
    {
        var js = await _client.GetStringAsync("/vendor/echarts/echarts.min.js");
        Assert.Contains("version:\"6.1.0\"", js, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/app.js")]
    [InlineData("/app.css")]
    public async Task The_page_names_no_other_origin(string path)
    {
        var text = await _client.GetStringAsync(path);
        Assert.DoesNotContain("http://", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("//cdn", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Vendor_metadata_files_are_not_served()
    {
        using var response = await _client.GetAsync("/vendor/echarts/package-lock.json");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
