using System.Net;
using System.Text.Json;
using Tracelens.Web.Tests.Support;
using Xunit;

namespace Tracelens.Web.Tests;

/// <summary>The JSON API over a generated ledger: the same documents as the CLI, and goldens of each.</summary>
public sealed class ApiTests : IDisposable
{
    private readonly FixtureLedger _fixture = FixtureLedger.Instance;
    private readonly DashboardFactory _factory;
    private readonly HttpClient _client;

    public ApiTests()
    {
        _factory = DashboardFactory.For(_fixture);
        _client = _factory.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    private async Task<string> Get(string path)
    {
        using var response = await _client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return body;
    }

    private string CliJson(params string[] args) =>
        Support.CliJson.Stdout(_fixture.Home, [.. args, "--json", "--no-ingest", "--ledger", _fixture.LedgerPath, "--timezone", "UTC"]);

    [Theory]
    [InlineData("/api/summary", new[] { "summary" })]
    [InlineData("/api/summary?by=day&provider=codex", new[] { "summary", "--by", "day", "--provider", "codex" })]
    [InlineData("/api/summary?by=session&since=2026-02-01&until=2026-02-10", new[] { "summary", "--by", "session", "--since", "2026-02-01", "--until", "2026-02-10" })]
    [InlineData("/api/sessions?limit=5", new[] { "sessions", "--limit", "5" })]
    [InlineData("/api/sessions?limit=3&q=ml-pipeline", new[] { "sessions", "--limit", "3", "--grep", "ml-pipeline" })]
    [InlineData("/api/hotspots", new[] { "hotspots" })]
    [InlineData("/api/hotspots?rank-by=bytes&limit=3", new[] { "hotspots", "--rank-by", "bytes", "--limit", "3" })]
    public async Task Api_documents_are_the_cli_json_documents(string path, string[] cliArgs) =>
        Assert.Equal(CliJson(cliArgs), await Get(path));

    [Fact]
    public async Task Overview_kpis_equal_the_summary_of_the_same_ledger()
    {
        using var overview = JsonDocument.Parse(await Get("/api/overview"));
        using var summary = JsonDocument.Parse(CliJson("summary"));
        using var sessions = JsonDocument.Parse(CliJson("summary", "--by", "session"));
        var kpis = overview.RootElement.GetProperty("kpis");
        var tokens = summary.RootElement.GetProperty("tokens");
        long Token(string name) => tokens.GetProperty(name).GetInt64();
        var steps = summary.RootElement.GetProperty("steps").GetInt64();

        Assert.True(steps > 100, "the fixture should have a few hundred steps");
        Assert.Equal(steps, kpis.GetProperty("steps").GetInt64());
        Assert.Equal(summary.RootElement.GetProperty("cost_usd").GetDecimal(), kpis.GetProperty("cost_usd").GetDecimal());
        Assert.Equal(sessions.RootElement.GetProperty("rows").GetArrayLength(), kpis.GetProperty("sessions").GetInt64());
        Assert.Equal(Token("input") + Token("cache_read") + Token("cache_write_5m") + Token("cache_write_1h"), kpis.GetProperty("total_input").GetInt64());
        Assert.Equal(Token("cache_read"), kpis.GetProperty("cached_input").GetInt64());
        Assert.Equal(Token("input") + Token("cache_write_5m") + Token("cache_write_1h"), kpis.GetProperty("uncached_input").GetInt64());
        Assert.Equal(Token("output"), kpis.GetProperty("output").GetInt64());
        Assert.Equal(summary.RootElement.GetProperty("unpriced_steps").GetInt64(), kpis.GetProperty("unpriced_steps").GetInt64());

        // Every breakdown adds up to the same totals.
        var root = overview.RootElement;
        Assert.Equal(steps, root.GetProperty("providers").EnumerateArray().Sum(p => p.GetProperty("steps").GetInt64()));
        Assert.Equal(steps, root.GetProperty("days").EnumerateArray().Sum(d => d.GetProperty("steps").GetInt64()));
        Assert.Equal(steps, root.GetProperty("weekday_hour").EnumerateArray().Sum(d => d.EnumerateArray().Sum(h => h.GetInt64())));
        var spend = root.GetProperty("spend_by_model").EnumerateArray()
            .Sum(m => m.GetProperty("cached_read_usd").GetDecimal() + m.GetProperty("fresh_input_usd").GetDecimal() + m.GetProperty("output_usd").GetDecimal());
        Assert.Equal(summary.RootElement.GetProperty("cost_usd").GetDecimal(), spend);
        Assert.Equal(root.GetProperty("days").GetArrayLength(), kpis.GetProperty("active_days").GetInt64());
        Assert.True(kpis.GetProperty("cache_saved_usd").GetDecimal() > 0, "cache reads at a lower rate than fresh input save money");
    }

    [Fact]
    public async Task Overview_follows_the_provider_filter()
    {
        using var overview = JsonDocument.Parse(await Get("/api/overview?provider=codex"));
        using var summary = JsonDocument.Parse(CliJson("summary", "--provider", "codex"));
        Assert.Equal(summary.RootElement.GetProperty("steps").GetInt64(), overview.RootElement.GetProperty("kpis").GetProperty("steps").GetInt64());
        Assert.Equal(["codex"], overview.RootElement.GetProperty("providers").EnumerateArray().Select(p => p.GetProperty("provider").GetString()));
    }

    [Fact]
    public async Task Session_timeline_lists_every_step_of_the_session_with_its_tool_calls()
    {
        using var list = JsonDocument.Parse(await Get("/api/sessions?sort=steps&limit=1"));
        var session = list.RootElement.GetProperty("sessions")[0];
        var id = session.GetProperty("session_id").GetString()!;
        using var timeline = JsonDocument.Parse(await Get("/api/sessions/" + Uri.EscapeDataString(id)));
        var steps = timeline.RootElement.GetProperty("steps").EnumerateArray().ToList();
        var subagentSteps = timeline.RootElement.GetProperty("subagents").EnumerateArray().Sum(a => a.GetProperty("steps").GetInt64());

        Assert.Equal(id, timeline.RootElement.GetProperty("session_id").GetString());
        Assert.Equal(session.GetProperty("steps").GetInt64(), steps.Count(s => s.GetProperty("counted").GetBoolean()) + subagentSteps);
        Assert.Equal(steps.Select(s => s.GetProperty("round_index").GetInt64()).Order(), steps.Select(s => s.GetProperty("round_index").GetInt64()));
        Assert.Contains(steps, s => s.GetProperty("user_initiated").GetBoolean());
        Assert.Contains(steps, s => s.GetProperty("tool_calls").GetArrayLength() > 0);
        Assert.True(session.GetProperty("tokens").GetProperty("cache_read").GetInt64() >= steps.Where(s => s.GetProperty("counted").GetBoolean()).Sum(s => s.GetProperty("cached_input").GetInt64()));
    }

    [Fact]
    public async Task Session_timeline_takes_the_id_without_its_provider_prefix()
    {
        using var list = JsonDocument.Parse(await Get("/api/sessions?limit=1"));
        var id = list.RootElement.GetProperty("sessions")[0].GetProperty("session_id").GetString()!;
        using var timeline = JsonDocument.Parse(await Get("/api/sessions/" + id[(id.IndexOf(':') + 1)..]));
        Assert.Equal(id, timeline.RootElement.GetProperty("session_id").GetString());
    }

    [Theory]
    [InlineData("/api/sessions?sort=cost", "cost_usd")]
    [InlineData("/api/sessions?sort=steps", "steps")]
    public async Task Sessions_sort_by_the_requested_key(string path, string key)
    {
        using var list = JsonDocument.Parse(await Get(path));
        var values = list.RootElement.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty(key).GetDecimal()).ToList();
        Assert.True(values.Count > 2);
        Assert.Equal(values.OrderDescending(), values);
    }

    [Fact]
    public async Task Session_search_matches_a_model_name()
    {
        using var list = JsonDocument.Parse(await Get("/api/sessions?q=OPUS"));
        var sessions = list.RootElement.GetProperty("sessions").EnumerateArray().ToList();
        Assert.NotEmpty(sessions);
        Assert.All(sessions, s => Assert.Contains(s.GetProperty("models").EnumerateArray(), m => m.GetString()!.Contains("opus", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Experiments_come_from_the_catalog_with_their_readme()
    {
        using var doc = JsonDocument.Parse(await Get("/api/experiments"));
        var experiments = doc.RootElement.GetProperty("experiments").EnumerateArray().ToList();
        Assert.Equal(Tracelens.Experiments.ExperimentCatalog.All.Select(e => e.Id), experiments.Select(e => e.GetProperty("id").GetString()));
        Assert.All(experiments, e => Assert.StartsWith("# " + e.GetProperty("id").GetString(), e.GetProperty("readme").GetString(), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("overview.json", "/api/overview")]
    [InlineData("summary.json", "/api/summary")]
    [InlineData("sessions.json", "/api/sessions?limit=4")]
    [InlineData("hotspots-cost.json", "/api/hotspots?limit=3")]
    [InlineData("hotspots-bytes.json", "/api/hotspots?rank-by=bytes&limit=3")]
    [InlineData("experiments.json", "/api/experiments")]
    [InlineData("distributions.json", "/api/distributions")]
    public async Task Api_documents_match_their_goldens(string golden, string path) => Snapshot.Match(await Get(path), golden);

    [Fact]
    public async Task Session_timeline_matches_its_golden()
    {
        using var list = JsonDocument.Parse(await Get("/api/sessions?sort=steps&limit=1"));
        var id = list.RootElement.GetProperty("sessions")[0].GetProperty("session_id").GetString()!;
        Snapshot.Match(await Get("/api/sessions/" + Uri.EscapeDataString(id)), "session-timeline.json");
    }

    [Theory]
    [InlineData("/api/summary?since=yesterday-ish", "since:")]
    [InlineData("/api/overview?timezone=Mars/Olympus", "timezone:")]
    [InlineData("/api/overview?provider=cursor", "provider: 'cursor'")]
    [InlineData("/api/hotspots?rank-by=lines", "rank-by: 'lines'")]
    [InlineData("/api/sessions?sort=mood", "sort: 'mood'")]
    [InlineData("/api/sessions?limit=0", "limit:")]
    [InlineData("/api/summary?by=planet", "by: 'planet'")]
    public async Task A_bad_parameter_is_a_400_with_the_error_envelope(string path, string messageStart)
    {
        using var response = await _client.GetAsync(path);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("usage", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.StartsWith(messageStart, doc.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_session_is_a_404()
    {
        using var response = await _client.GetAsync("/api/sessions/claude:no-such-session");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("\"not-found\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/overview")]
    [InlineData("/api/sessions")]
    [InlineData("/api/hotspots")]
    [InlineData("/api/summary?by=day")]
    public async Task An_empty_ledger_gives_empty_documents_not_errors(string path)
    {
        var home = Directory.CreateTempSubdirectory("tracelens-web-nothing-").FullName;
        var ledgerPath = Path.Combine(home, "ledger.db");
        Tracelens.Ledger.LedgerDatabase.Open(ledgerPath).Dispose();
        using var factory = new DashboardFactory(ledgerPath, home);
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var doc = JsonDocument.Parse(body);
        var steps = doc.RootElement.TryGetProperty("kpis", out var kpis) ? kpis.GetProperty("steps") : doc.RootElement.TryGetProperty("steps", out var s) ? s : doc.RootElement.GetProperty("matched");
        Assert.Equal(0, steps.GetInt64());
    }

    [Fact]
    public async Task Without_a_ledger_the_api_says_so_and_creates_none()
    {
        var home = Directory.CreateTempSubdirectory("tracelens-web-empty-").FullName;
        var path = Path.Combine(home, "ledger.db");
        using var factory = new DashboardFactory(path, home);
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/api/overview");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("\"no-ledger\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }
}
