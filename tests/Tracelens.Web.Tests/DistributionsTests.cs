using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tracelens.Dashboard;
using Tracelens.Web.Tests.Support;
using Xunit;

namespace Tracelens.Web.Tests;

/// <summary>
/// <c>/api/distributions</c> on the fixture ledger: every count is checked against a query of its
/// own straight on the ledger, and every CDF against the properties a CDF must have.
/// </summary>
public sealed class DistributionsTests : IDisposable
{
    private readonly FixtureLedger _fixture = FixtureLedger.Instance;
    private readonly DashboardFactory _factory;
    private readonly HttpClient _client;

    public DistributionsTests()
    {
        _factory = DashboardFactory.For(_fixture);
        _client = _factory.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    private async Task<JsonElement> Distributions(string query = "")
    {
        using var response = await _client.GetAsync("/api/distributions" + query);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }

    /// <summary>Per provider, the first column of a query over the fixture ledger (read-only).</summary>
    private Dictionary<string, long> PerProvider(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_fixture.LedgerPath};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var r = command.ExecuteReader();
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        while (r.Read())
        {
            result[r.GetString(0)] = r.GetInt64(1);
        }

        return result;
    }

    private List<long> Column(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_fixture.LedgerPath};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var r = command.ExecuteReader();
        var result = new List<long>();
        while (r.Read())
        {
            result.Add(r.GetInt64(0));
        }

        return result;
    }

    private static readonly string[] BoxQuantiles = ["p5", "p25", "median", "p75", "p95"];

    private static readonly string[] PerProviderSections = ["tool_latency_distribution", "generation_time_cdf", "human_input_wait", "cache_hit_ratio", "prefix_append_scatter"];

    private const string EffectiveLatency = "coalesce(t.tool_internal_latency_ms, t.tool_wall_latency_ms)";

    private static Dictionary<string, JsonElement> ByProvider(JsonElement providers) =>
        providers.EnumerateArray().ToDictionary(p => p.GetProperty("provider").GetString()!, p => p, StringComparer.Ordinal);

    [Theory]
    [InlineData("tool_latency_distribution", true)]
    [InlineData("generation_time_cdf", false)]
    [InlineData("human_input_wait", true)]
    public async Task Every_cdf_rises_to_one_over_at_most_56_spaced_points(string name, bool logSpaced)
    {
        var providers = (await Distributions()).GetProperty(name).GetProperty("providers").EnumerateArray().ToList();
        Assert.NotEmpty(providers);
        foreach (var provider in providers)
        {
            var points = provider.GetProperty("points").EnumerateArray().Select(p => (X: p[0].GetDouble(), Y: p[1].GetDouble())).ToList();
            Assert.True(provider.GetProperty("count").GetInt64() > 0, name);
            Assert.InRange(points.Count, 1, DashboardDistributions.CdfPoints);
            Assert.Equal(1.0, points[^1].Y);
            for (var i = 1; i < points.Count; i++)
            {
                Assert.True(points[i].X > points[i - 1].X, $"{name}: x increases");
                Assert.True(points[i].Y >= points[i - 1].Y, $"{name}: y never decreases");
            }

            if (points.Count == DashboardDistributions.CdfPoints)
            {
                // Even steps in log (ratio) or linear (difference) space, as documented.
                double Step(int i) => logSpaced ? Math.Log(points[i].X / points[i - 1].X) : points[i].X - points[i - 1].X;
                Assert.Equal(Step(1), Step(points.Count - 1), 3);
            }
        }
    }

    [Fact]
    public async Task Tool_latency_counts_every_call_with_a_positive_effective_latency()
    {
        var root = await Distributions();
        var positive = PerProvider($"SELECT s.provider, count(*) FROM tool_calls t JOIN counted_steps s ON s.id = t.step_id WHERE {EffectiveLatency} > 0 GROUP BY 1");
        var all = PerProvider("SELECT s.provider, count(*) FROM tool_calls t JOIN counted_steps s ON s.id = t.step_id GROUP BY 1");
        var cdfs = ByProvider(root.GetProperty("tool_latency_distribution").GetProperty("providers"));
        Assert.Equal(positive.Keys.Order(), cdfs.Keys.Order());
        foreach (var (provider, count) in positive)
        {
            Assert.Equal(count, cdfs[provider].GetProperty("count").GetInt64());
            Assert.Equal(all[provider] - count, cdfs[provider].GetProperty("excluded").GetInt64());
        }

        // Boxes: every eligible call falls in exactly one category.
        var boxes = root.GetProperty("tool_latency_by_category").GetProperty("categories").EnumerateArray().ToList();
        Assert.Equal(positive.Values.Sum(), boxes.Sum(b => b.GetProperty("calls").GetInt64()));
        Assert.All(boxes, b =>
        {
            var q = BoxQuantiles.Select(k => b.GetProperty(k).GetDouble()).ToList();
            Assert.Equal(q.Order(), q);
            Assert.True(q[0] > 0);
        });
    }

    [Theory]
    [InlineData("Bash", "Shell")]
    [InlineData("exec_command", "Shell")]
    [InlineData("write_stdin", "Shell")]
    [InlineData("Edit", "File edit")]
    [InlineData("apply_patch", "File edit")]
    [InlineData("Write", "File edit")]
    [InlineData("Read", "File read")]
    [InlineData("Grep", "File read")]
    [InlineData("LS", "File read")]
    [InlineData("TodoWrite", "Planning")]
    [InlineData("TaskUpdate", "Planning")]
    [InlineData("NotebookEdit", "File edit")]
    [InlineData("update_plan", "Planning")]
    [InlineData("ExitPlanMode", "Planning")]
    [InlineData("Task", "Agent")]
    [InlineData("spawn_agent", "Agent")]
    [InlineData("WebFetch", "Web")]
    [InlineData("WebSearch", "Web")]
    [InlineData("mcp__ide__getDiagnostics", "Other")]
    [InlineData("<unknown-tool>", "Other")]
    public void Tools_fall_in_the_first_category_whose_substring_they_contain(string tool, string category) =>
        Assert.Equal(category, DistributionQueries.CategoryOf(tool));

    [Fact]
    public async Task Tool_call_counts_are_a_direct_count_of_the_top_14()
    {
        var counts = (await Distributions()).GetProperty("tool_call_counts");
        var direct = PerProvider("""
            SELECT coalesce(nullif(trim(t.tool_name), ''), '<unknown-tool>'), count(*)
            FROM tool_calls t JOIN counted_steps s ON s.id = t.step_id GROUP BY 1
            """);
        var expected = direct.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(DashboardDistributions.TopTools).ToList();
        var top = counts.GetProperty("top").EnumerateArray().Select(t => new KeyValuePair<string, long>(t.GetProperty("tool").GetString()!, t.GetProperty("calls").GetInt64())).ToList();

        Assert.Equal(expected, top);
        Assert.Equal(direct.Values.Sum(), counts.GetProperty("total_calls").GetInt64());
        Assert.Equal(direct.Count, counts.GetProperty("distinct_tools").GetInt64());
    }

    [Fact]
    public async Task Scatter_keeps_every_ceil_n_over_700th_step_with_prefix_and_append()
    {
        var eligible = PerProvider("SELECT provider, count(*) FROM counted_steps WHERE prefix_tokens > 0 AND newly_append_tokens > 0 GROUP BY 1");
        var scatter = ByProvider((await Distributions()).GetProperty("prefix_append_scatter").GetProperty("providers"));
        Assert.Equal(eligible.Keys.Order(), scatter.Keys.Order());
        foreach (var (provider, n) in eligible)
        {
            var stride = (long)Math.Ceiling(n / 700.0);
            var points = scatter[provider].GetProperty("points").EnumerateArray().ToList();
            Assert.Equal(n, scatter[provider].GetProperty("eligible_steps").GetInt64());
            Assert.Equal(stride, scatter[provider].GetProperty("stride").GetInt64());
            Assert.Equal((long)Math.Ceiling((double)n / stride), points.Count);
            Assert.All(points, p => Assert.True(p[0].GetInt64() > 0 && p[1].GetInt64() > 0));
        }
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(700, 1)]
    [InlineData(701, 2)]
    [InlineData(1400, 2)]
    [InlineData(1401, 3)]
    [InlineData(100_000, 143)]
    public void Scatter_stride_is_ceil_n_over_700(int eligible, int stride)
    {
        Assert.Equal(stride, DistributionQueries.ScatterStride(eligible));
        Assert.True((eligible + stride - 1) / stride <= DashboardDistributions.ScatterTarget);
    }

    [Fact]
    public async Task Output_bins_cover_exactly_the_steps_between_the_merged_p1_and_p99()
    {
        var output = (await Distributions()).GetProperty("output_tokens");
        var outputs = Column("SELECT output_tokens FROM counted_steps WHERE output_tokens > 0 ORDER BY output_tokens");

        // NumPy's linear percentile, written out again here rather than taken from the SDK.
        double Percentile(double q)
        {
            var v = (outputs.Count - 1) * q;
            var lo = (int)Math.Floor(v);
            var hi = Math.Min(lo + 1, outputs.Count - 1);
            return outputs[lo] + ((outputs[hi] - outputs[lo]) * (v - lo));
        }

        var (p1, p99) = (Percentile(0.01), Percentile(0.99));
        Assert.Equal(p1, output.GetProperty("p1").GetDouble(), 5);
        Assert.Equal(p99, output.GetProperty("p99").GetDouble(), 5);
        var edges = output.GetProperty("edges").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.Equal(DashboardDistributions.OutputBins + 1, edges.Count);
        Assert.Equal(Math.Log(edges[1] / edges[0]), Math.Log(edges[^1] / edges[^2]), 6);

        var binned = output.GetProperty("providers").EnumerateArray().Sum(p => p.GetProperty("counts").EnumerateArray().Sum(c => c.GetInt64()));
        Assert.Equal(outputs.Count(o => o >= p1 && o <= p99), binned);
        Assert.Equal(outputs.Count, output.GetProperty("providers").EnumerateArray().Sum(p => p.GetProperty("eligible_steps").GetInt64()));
    }

    [Fact]
    public async Task Cache_hit_bands_count_every_step_with_prefix_or_append_once()
    {
        var bands = (await Distributions()).GetProperty("cache_hit_ratio");
        Assert.Equal(["<50%", "50–70%", "70–85%", "85–95%", "95–100%"], bands.GetProperty("bands").EnumerateArray().Select(b => b.GetString()));
        var byProvider = ByProvider(bands.GetProperty("providers"));
        double[] bounds = [0.0, 0.5, 0.7, 0.85, 0.95, 1.01];
        for (var band = 0; band < 5; band++)
        {
            var direct = PerProvider(string.Create(CultureInfo.InvariantCulture, $"""
                SELECT provider, count(*) FROM counted_steps
                WHERE prefix_tokens + newly_append_tokens > 0
                  AND 1.0 * prefix_tokens / (prefix_tokens + newly_append_tokens) >= {bounds[band]}
                  AND 1.0 * prefix_tokens / (prefix_tokens + newly_append_tokens) < {bounds[band + 1]}
                GROUP BY 1
                """));
            foreach (var (provider, element) in byProvider)
            {
                Assert.Equal(direct.GetValueOrDefault(provider), element.GetProperty("counts")[band].GetInt64());
            }
        }

        var eligible = PerProvider("SELECT provider, count(*) FROM counted_steps WHERE prefix_tokens + newly_append_tokens > 0 GROUP BY 1");
        Assert.Equal(eligible.Keys.Order(), byProvider.Keys.Order());
        Assert.All(eligible, kv =>
        {
            Assert.Equal(kv.Value, byProvider[kv.Key].GetProperty("eligible_steps").GetInt64());
            Assert.Equal(kv.Value, byProvider[kv.Key].GetProperty("counts").EnumerateArray().Sum(c => c.GetInt64()));
        });
    }

    [Fact]
    public async Task Generation_time_and_human_wait_follow_the_spec_definitions_over_the_timing_events()
    {
        // Recomputed from the timing_events view (spec §7), one session at a time in round order.
        var generation = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var waits = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        using (var connection = new SqliteConnection($"Data Source={_fixture.LedgerPath};Mode=ReadOnly"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT s.id, s.session_id, s.provider, e.event_type, e.timestamp
                FROM counted_steps s LEFT JOIN timing_events e ON e.step_id = s.id AND e.timestamp IS NOT NULL
                ORDER BY s.session_id, s.round_index, e.event_index
                """;
            using var r = command.ExecuteReader();
            var rows = new List<(long Step, string Session, string Provider, string? Type, DateTimeOffset? At)>();
            while (r.Read())
            {
                rows.Add((r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                    r.IsDBNull(4) ? null : DateTimeOffset.Parse(r.GetString(4), CultureInfo.InvariantCulture)));
            }

            var carried = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            foreach (var step in rows.GroupBy(x => x.Step))
            {
                var (session, provider) = (step.First().Session, step.First().Provider);
                var events = step.Where(x => x.At is not null).Select(x => (Type: x.Type!, At: x.At!.Value)).ToList();
                var outputs = events.Where(x => x.Type is "reasoning" or "text" or "tool_call").Select(x => x.At).ToList();
                var inputs = outputs.Count == 0 ? [] : events.Where(x => x.Type is "user_message" or "tool_result" && x.At <= outputs.Min()).Select(x => x.At).ToList();
                if (inputs.Count > 0 && (outputs.Max() - inputs.Max()).TotalSeconds is var span && span > 0)
                {
                    (generation.TryGetValue(provider, out var g) ? g : generation[provider] = []).Add(span);
                }

                DateTimeOffset? previous = carried.TryGetValue(session, out var c) ? c : null;
                foreach (var e in events.OrderBy(x => x.At))
                {
                    if (e.Type == "user_message" && previous is { } before)
                    {
                        (waits.TryGetValue(provider, out var w) ? w : waits[provider] = []).Add((e.At - before).TotalSeconds);
                    }

                    previous = e.At;
                }

                if (events.Count > 0)
                {
                    carried[session] = events.Max(x => x.At);
                }
            }
        }

        var root = await Distributions();
        var generationCdfs = ByProvider(root.GetProperty("generation_time_cdf").GetProperty("providers"));
        Assert.Equal(generation.Keys.Order(), generationCdfs.Keys.Order());
        foreach (var (provider, spans) in generation)
        {
            Assert.Equal(spans.Count, generationCdfs[provider].GetProperty("count").GetInt64());
            Assert.Equal(spans.Max(), generationCdfs[provider].GetProperty("points").EnumerateArray().Last()[0].GetDouble(), 5);
        }

        var waitCdfs = ByProvider(root.GetProperty("human_input_wait").GetProperty("providers"));
        Assert.Equal(waits.Keys.Order(), waitCdfs.Keys.Order());
        foreach (var (provider, all) in waits)
        {
            Assert.Equal(all.Count(w => w > 0), waitCdfs[provider].GetProperty("count").GetInt64());
            Assert.Equal(all.Count(w => w <= 0), waitCdfs[provider].GetProperty("excluded").GetInt64());
            Assert.Equal(all.Where(w => w > 0).Min(), waitCdfs[provider].GetProperty("points")[0][0].GetDouble(), 5);
        }
    }

    [Fact]
    public async Task The_provider_filter_narrows_every_distribution()
    {
        var root = await Distributions("?provider=codex");
        var calls = PerProvider("SELECT s.provider, count(*) FROM tool_calls t JOIN counted_steps s ON s.id = t.step_id WHERE s.provider = 'codex' GROUP BY 1");
        var steps = PerProvider("SELECT provider, count(*) FROM counted_steps WHERE provider = 'codex' AND prefix_tokens + newly_append_tokens > 0 GROUP BY 1");
        Assert.True(calls["codex"] > 0);

        Assert.Equal("codex", root.GetProperty("filters").GetProperty("providers")[0].GetString());
        Assert.Equal(calls["codex"], root.GetProperty("tool_call_counts").GetProperty("total_calls").GetInt64());
        Assert.Equal(steps["codex"], root.GetProperty("cache_hit_ratio").GetProperty("providers")[0].GetProperty("eligible_steps").GetInt64());
        foreach (var name in PerProviderSections)
        {
            Assert.All(root.GetProperty(name).GetProperty("providers").EnumerateArray(), p => Assert.Equal("codex", p.GetProperty("provider").GetString()));
        }
    }

    [Theory]
    [InlineData("/api/distributions?provider=cursor", "provider: 'cursor'")]
    [InlineData("/api/distributions?since=yesterday-ish", "since:")]
    [InlineData("/api/distributions?timezone=Mars/Olympus", "timezone:")]
    public async Task A_bad_parameter_is_a_400_with_the_error_envelope(string path, string messageStart)
    {
        using var response = await _client.GetAsync(path);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("usage", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.StartsWith(messageStart, doc.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_ledger_gives_empty_distributions()
    {
        var home = Directory.CreateTempSubdirectory("tracelens-web-nothing-").FullName;
        var ledgerPath = Path.Combine(home, "ledger.db");
        Tracelens.Ledger.LedgerDatabase.Open(ledgerPath).Dispose();
        using var factory = new DashboardFactory(ledgerPath, home);
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/api/distributions");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        Assert.Equal(0, root.GetProperty("tool_call_counts").GetProperty("total_calls").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("output_tokens").GetProperty("p1").ValueKind);
        Assert.Equal(0, root.GetProperty("output_tokens").GetProperty("edges").GetArrayLength());
        foreach (var name in PerProviderSections)
        {
            Assert.Equal(0, root.GetProperty(name).GetProperty("providers").GetArrayLength());
        }
    }
}
