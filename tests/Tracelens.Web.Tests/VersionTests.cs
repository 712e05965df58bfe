using System.Text.Json;
using Tracelens.Web.Tests.Support;
using Xunit;

namespace Tracelens.Web.Tests;

/// <summary>/api/version, which the page polls to reload when another process ingests.</summary>
public sealed class VersionTests
{
    private static async Task<string> Version(HttpClient client)
    {
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/api/version"));
        return doc.RootElement.GetProperty("version").GetString()!;
    }

    [Fact]
    public async Task The_version_changes_when_an_ingest_adds_steps_and_only_then()
    {
        var fixture = FixtureLedger.Create(records: 40, seed: 3);
        using var factory = DashboardFactory.For(fixture);
        using var client = factory.CreateClient();
        var before = await Version(client);

        fixture.Ingest(); // nothing changed on disk
        Assert.Equal(before, await Version(client));

        // Another process's ingest (here: a new transcript appears and is ingested by a second connection).
        var existing = Directory.EnumerateFiles(Path.Combine(fixture.Home, ".claude", "projects"), "*.jsonl", SearchOption.AllDirectories).First();
        var copy = Path.Combine(Path.GetDirectoryName(existing)!, Guid.NewGuid() + ".jsonl");
        File.WriteAllText(copy, File.ReadAllText(existing).Replace("\"sessionId\":\"", "\"sessionId\":\"x", StringComparison.Ordinal));
        fixture.Ingest();
        var after = await Version(client);

        Assert.NotEqual(before, after);
        Assert.Equal(after, await Version(client));
    }
}
