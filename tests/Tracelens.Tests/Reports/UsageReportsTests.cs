using Tracelens.Collect;
using Tracelens.Model;
using Tracelens.Pricing;
using Tracelens.Reports;
using Tracelens.Synth;
using Xunit;

namespace Tracelens.Tests.Reports;

/// <summary>The usage reports against the generator's ground truth and against per-step pricing.</summary>
public sealed class UsageReportsTests(GeneratedLedger fx) : IClassFixture<GeneratedLedger>
{
    private static readonly ReportFilter Utc = new() { TimeZone = TimeZoneInfo.Utc };

    /// <summary>ccusage's counting: Claude responses deduplicated by message, Codex steps as they are.</summary>
    private TokenBreakdown Truth(string provider) =>
        fx.Truth.Providers[provider].DeduplicatedByMessage ?? fx.Truth.Providers[provider].Steps;

    private static void AssertTokens(TokenTotals expected, PricedUsage actual, string what)
    {
        Assert.True(expected.Steps == actual.Steps, $"{what}: steps {actual.Steps}, truth {expected.Steps}");
        Assert.Equal((expected.UncachedInputTokens, expected.OutputTokens, expected.PrefixTokens, expected.CacheCreation5mTokens, expected.CacheCreation1hTokens, expected.ReasoningOutputTokens),
            (actual.Tokens.Input, actual.Tokens.Output, actual.Tokens.CacheRead, actual.Tokens.CacheWrite5m, actual.Tokens.CacheWrite1h, actual.Tokens.Reasoning));
    }

    [Fact]
    public void Daily_tokens_per_day_and_model_equal_the_ground_truth()
    {
        var report = fx.Reports.Usage(Utc, UsageGrouping.Day);
        var expected = new SortedDictionary<(string Day, string Model), TokenTotals>();
        foreach (var provider in fx.Truth.Providers.Keys)
        {
            foreach (var (day, models) in Truth(provider).ByDayModel)
            {
                foreach (var (model, totals) in models)
                {
                    expected.Add((day, model), totals);
                }
            }
        }

        var actual = report.Rows.SelectMany(r => r.ByModel.Select(m => (Key: (r.Key, m.Model), m.Usage))).ToDictionary(x => x.Key, x => x.Usage);
        Assert.Equal(expected.Keys, actual.Keys.Order());
        foreach (var (key, totals) in expected)
        {
            AssertTokens(totals, actual[key], $"{key.Day} {key.Model}");
        }

        Assert.Equal(report.Rows.Select(r => r.Key).Order(StringComparer.Ordinal), report.Rows.Select(r => r.Key));
    }

    [Fact]
    public void The_summary_by_model_and_by_provider_equal_the_ground_truth_and_share_one_total()
    {
        var byModel = fx.Reports.Usage(Utc, UsageGrouping.Model);
        foreach (var provider in fx.Truth.Providers.Keys)
        {
            foreach (var (model, totals) in Truth(provider).ByModel)
            {
                AssertTokens(totals, byModel.Rows.Single(r => r.Key == model).Usage, model);
            }
        }

        var byProvider = fx.Reports.Usage(Utc, UsageGrouping.Provider);
        foreach (var provider in fx.Truth.Providers.Keys)
        {
            AssertTokens(Truth(provider).Totals, byProvider.Rows.Single(r => r.Key == provider).Usage, provider);
        }

        Assert.Equal(fx.Scalar("SELECT count(*) FROM steps WHERE duplicate_of IS NULL"), byModel.Total.Steps);
        foreach (var grouping in Enum.GetValues<UsageGrouping>())
        {
            var report = fx.Reports.Usage(Utc, grouping);
            Assert.Equal(byModel.Total.Tokens, report.Total.Tokens);
            Assert.Equal(byModel.Total.Cost, report.Total.Cost);
            Assert.Equal(byModel.StopReasons, report.StopReasons);
            if (grouping != UsageGrouping.Tool)
            {
                // Every grouping but tools partitions the steps: its rows add up to the total.
                Assert.Equal(report.Total.Steps, report.Rows.Sum(r => r.Usage.Steps));
                Assert.Equal(report.Total.Cost, report.Rows.Sum(r => r.Usage.Cost));
            }
        }
    }

    [Fact]
    public void Costs_equal_per_step_pricing_of_the_same_counted_steps_to_the_last_digit()
    {
        // Price every step on its own, as PriceBook.Cost does, after ccusage's dedupe (largest copy of a response).
        var steps = new List<AgentStep>();
        new Collector().Run(LogDiscovery.Discover(new DiscoveryOptions { Home = fx.History }), fx.History, steps.Add);
        var expected = steps
            .GroupBy(s => s.Provider == Provider.Claude ? $"{s.RoundId}\n{s.RequestId}" : s.TraceKey!, StringComparer.Ordinal)
            .Select(g => g.MaxBy(s => s.InputTokensTotal + s.OutputTokens)!)
            .GroupBy(s => s.Model!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(s => PriceBook.Embedded.Cost(s)!.Value.Total), StringComparer.Ordinal);

        var report = fx.Reports.Usage(Utc, UsageGrouping.Model);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), report.ByModel.Select(m => m.Model));
        foreach (var (model, cost) in expected)
        {
            Assert.Equal(cost, report.ForModel(model)!.Cost);
        }

        Assert.True(fx.Scalar("SELECT count(*) FROM steps WHERE prefix_tokens > 200000") > 0, "the history should reach the long-context tier");
        var daily = fx.Reports.Usage(Utc, UsageGrouping.Day);
        Assert.Equal(expected.Values.Sum(), daily.Rows.Sum(r => r.Usage.Cost));
    }

    [Fact]
    public void Filters_narrow_the_steps_in_sql()
    {
        var all = fx.Reports.Usage(Utc, UsageGrouping.Day);
        var days = all.Rows.Select(r => r.Key).ToList();
        var since = DateOnly.Parse(days[3], System.Globalization.CultureInfo.InvariantCulture);
        var until = DateOnly.Parse(days[6], System.Globalization.CultureInfo.InvariantCulture);
        var window = fx.Reports.Usage(Utc with
        {
            Since = ReportTime.StartOfLocalDay(since, TimeZoneInfo.Utc),
            Until = ReportTime.StartOfLocalDay(until.AddDays(1), TimeZoneInfo.Utc),
        }, UsageGrouping.Day);
        Assert.Equal(days[3..7], window.Rows.Select(r => r.Key));
        Assert.Equal(all.Rows.Skip(3).Take(4).Sum(r => r.Usage.Steps), window.Total.Steps);

        var codex = fx.Reports.Usage(Utc with { Providers = [Provider.Codex] }, UsageGrouping.Model);
        AssertTokens(Truth("codex").Totals, codex.Total, "codex");

        var project = fx.Reports.Usage(Utc, UsageGrouping.Project).Rows[0];
        var inProject = fx.Reports.Usage(Utc with { Project = project.Key }, UsageGrouping.Model);
        Assert.Equal(project.Usage.Steps, inProject.Total.Steps);
        Assert.Equal(project.Usage.Cost, inProject.Total.Cost);

        var model = fx.Truth.Providers["claude"].Steps.ByModel.Keys.First(m => m.EndsWith("-20250929", StringComparison.Ordinal));
        var undated = fx.Reports.Usage(Utc with { Model = model[..^"-20250929".Length] }, UsageGrouping.Day);
        Assert.Equal([model], undated.ByModel.Select(m => m.Model));
        AssertTokens(Truth("claude").ByModel[model], undated.Total, model);
    }

    [Fact]
    public void A_one_day_window_read_through_the_time_index_equals_that_day_of_the_whole_report()
    {
        // A day is under a fifth of the history's span, so each window below seeks steps_by_time;
        // the whole-history report scans steps_usage. Both must count the same steps to the token and cent.
        var all = fx.Reports.Usage(Utc, UsageGrouping.Day);
        Assert.True(all.Rows.Count >= 6, "the history should span enough days for a one-day window to be narrow");
        foreach (var day in all.Rows)
        {
            var date = DateOnly.Parse(day.Key, System.Globalization.CultureInfo.InvariantCulture);
            var window = Utc with
            {
                Since = ReportTime.StartOfLocalDay(date, TimeZoneInfo.Utc),
                Until = ReportTime.StartOfLocalDay(date.AddDays(1), TimeZoneInfo.Utc),
            };
            foreach (var grouping in (UsageGrouping[])[UsageGrouping.Model, UsageGrouping.Day, UsageGrouping.Tool])
            {
                var report = fx.Reports.Usage(window, grouping);
                Assert.Equal(day.Usage.Steps, report.Total.Steps);
                Assert.Equal(day.Usage.Tokens, report.Total.Tokens);
                Assert.Equal(day.Usage.Cost, report.Total.Cost);
            }
        }
    }

    [Fact]
    public void A_session_includes_its_subagents_and_is_found_with_or_without_its_provider_prefix()
    {
        var parent = fx.Scalar("SELECT count(*) FROM sessions WHERE parent_session_id IS NOT NULL") > 0
            ? (string)new Microsoft.Data.Sqlite.SqliteCommand("SELECT parent_session_id FROM sessions WHERE parent_session_id IS NOT NULL ORDER BY session_id LIMIT 1", fx.Ledger.Connection).ExecuteScalar()!
            : throw new InvalidOperationException("the generated history should have subagents");
        var expected = fx.Scalar($"SELECT count(*) FROM counted_steps WHERE session_id = '{parent}' OR parent_session_id = '{parent}'");
        var sessionRow = fx.Reports.Usage(Utc, UsageGrouping.Session).Rows.Single(r => r.Key == parent);
        Assert.Equal(expected, sessionRow.Usage.Steps);
        Assert.Equal(1 + fx.Scalar($"SELECT count(*) FROM sessions WHERE parent_session_id = '{parent}'"), sessionRow.Sessions);

        foreach (var id in new[] { parent, parent["claude:".Length..] })
        {
            var one = fx.Reports.Usage(Utc with { Session = id }, UsageGrouping.Day);
            Assert.Equal(expected, one.Total.Steps);
            Assert.Equal(sessionRow.Usage.Cost, one.Total.Cost);
        }
    }

    [Fact]
    public void Tool_rows_hold_the_steps_that_called_each_tool_and_overlap()
    {
        var report = fx.Reports.Usage(Utc, UsageGrouping.Tool);
        var read = report.Rows.Single(r => r.Key == "Read");
        Assert.Equal(fx.Scalar("SELECT count(DISTINCT s.id) FROM counted_steps s JOIN tool_calls t ON t.step_id = s.id WHERE t.tool_name = 'Read'"), read.Usage.Steps);
        Assert.Equal(fx.Scalar("SELECT count(*) FROM counted_steps s JOIN tool_calls t ON t.step_id = s.id WHERE t.tool_name = 'Read'"), read.Usage.ToolCalls);
        Assert.Equal(fx.Scalar("SELECT count(*) FROM counted_steps s WHERE NOT EXISTS (SELECT 1 FROM tool_calls t WHERE t.step_id = s.id)"),
            report.Rows.Single(r => r.Key == "(no tool calls)").Usage.Steps);
        Assert.True(report.Rows.Sum(r => r.Usage.Steps) > report.Total.Steps, "a step that called several tools is in each of their rows");
    }

    [Fact]
    public void Subagent_rows_are_keyed_by_type_with_their_runs()
    {
        var report = fx.Reports.Usage(Utc, UsageGrouping.Subagent);
        var main = report.Rows.Single(r => r.Key == "(main)");
        Assert.Equal(fx.Scalar("SELECT count(*) FROM counted_steps WHERE agent_id IS NULL AND parent_session_id IS NULL AND NOT is_sidechain"), main.Usage.Steps);
        foreach (var row in report.Rows.Where(r => !r.Key.StartsWith('(')))
        {
            Assert.Equal(fx.Scalar($"SELECT count(*) FROM counted_steps WHERE subagent_type = '{row.Key}'"), row.Usage.Steps);
            Assert.Equal(fx.Scalar($"SELECT count(DISTINCT session_id) FROM counted_steps WHERE subagent_type = '{row.Key}'"), row.Sessions);
        }
    }

    [Fact]
    public void Sessions_are_listed_latest_first_with_grep_and_limit()
    {
        var list = fx.Reports.Sessions(Utc, grep: null, limit: 5);
        Assert.Equal(5, list.Sessions.Count);
        Assert.True(list.Truncated);
        Assert.Equal(fx.Scalar("SELECT count(DISTINCT coalesce(parent_session_id, session_id)) FROM counted_steps"), list.Matched);
        Assert.Equal(list.Sessions.Select(s => s.Usage.LastStartedAt).OrderDescending(StringComparer.Ordinal), list.Sessions.Select(s => s.Usage.LastStartedAt));

        var codex = fx.Reports.Sessions(Utc, grep: "CODEX:", limit: 1000);
        Assert.Equal(fx.Truth.Providers["codex"].Counts.Sessions, codex.Matched);
        Assert.All(codex.Sessions, s => Assert.StartsWith("codex:", s.SessionId, StringComparison.Ordinal));
        var byProject = fx.Reports.Sessions(Utc, grep: "payments", limit: 1000);
        Assert.NotEmpty(byProject.Sessions);
        Assert.All(byProject.Sessions, s => Assert.Contains("payments", s.Project, StringComparison.Ordinal));
    }

    [Fact]
    public void Compare_puts_models_side_by_side_and_needs_two()
    {
        var models = fx.Truth.Providers["claude"].Steps.ByModel.Keys.Take(2).ToList();
        var comparison = fx.Reports.Compare(Utc, models);
        Assert.Equal(models, comparison.Models.Select(m => m.Model));
        var byModel = fx.Reports.Usage(Utc, UsageGrouping.Model);
        foreach (var m in comparison.Models)
        {
            var usage = byModel.ForModel(m.Model)!;
            Assert.Equal(usage.Steps, m.Steps);
            Assert.Equal(usage.Cost / usage.Steps, m.CostPerStep);
            Assert.Equal((double)usage.Tokens.CacheRead / (usage.Tokens.Input + usage.Tokens.CacheRead + usage.Tokens.CacheWrite), m.CacheHitRate);
            Assert.Equal(fx.Scalar($"SELECT count(DISTINCT session_id) FROM counted_steps WHERE model = '{m.Model}'"), m.Sessions);
            Assert.Equal(fx.Scalar($"SELECT count(*) FROM tool_calls t JOIN counted_steps s ON s.id = t.step_id WHERE s.model = '{m.Model}'"), m.ToolCalls);
        }

        Assert.Throws<ArgumentException>(() => fx.Reports.Compare(Utc, [models[0], models[0]]));
    }
}
