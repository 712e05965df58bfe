using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Tracelens.Reports;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Reports;

/// <summary>
/// A fact that needs ccusage 20.0.24: <c>$TRACELENS_CCUSAGE</c>, else <c>.bench/ccusage/node_modules/.bin/ccusage</c>
/// in the checkout (where <c>bench/collect.sh</c> installs it). Skipped, saying so, when it is absent (as in CI).
/// </summary>
public sealed class CcusageFactAttribute : FactAttribute
{
    public CcusageFactAttribute()
    {
        if (Binary is null)
        {
            Skip = "needs ccusage 20.0.24: set TRACELENS_CCUSAGE or install it with bench/collect.sh (.bench/ccusage); absent here";
        }
    }

    public static string? Binary =>
        new[] { Environment.GetEnvironmentVariable("TRACELENS_CCUSAGE"), Path.Combine(TestPaths.RepoRoot, ".bench", "ccusage", "node_modules", ".bin", "ccusage") }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));
}

/// <summary>
/// `daily` equals ccusage's `daily --json` on the same generated history: every day and model with
/// the same four token counts, and cost within 0.5% (ours is exact decimal arithmetic; ccusage sums
/// floats). The generator writes replays (resumed sessions) and subagent files, so this also checks
/// that a replayed response counts once, as ccusage dedupes it.
/// </summary>
public sealed class CcusageEqualityTests
{
    [CcusageFact]
    public void Daily_tokens_per_day_and_model_equal_ccusages_and_cost_is_within_half_a_percent()
    {
        using var history = new GeneratedLedger(seed: 1, records: 10_000);
        var report = history.Reports.Usage(new ReportFilter { TimeZone = TimeZoneInfo.Utc }, UsageGrouping.Day);
        var ours = report.Rows.SelectMany(r => r.ByModel.Select(m => (Key: $"{r.Key} {m.Model}", m.Usage)))
            .ToDictionary(x => x.Key, x => x.Usage, StringComparer.Ordinal);

        var theirs = new Dictionary<string, (long Input, long Output, long CacheCreate, long CacheRead, decimal Cost)>(StringComparer.Ordinal);
        using (var json = JsonDocument.Parse(RunCcusage(history.History)))
        {
            foreach (var day in json.RootElement.GetProperty("daily").EnumerateArray())
            {
                foreach (var m in day.GetProperty("modelBreakdowns").EnumerateArray())
                {
                    theirs.Add($"{day.GetProperty("period").GetString()} {m.GetProperty("modelName").GetString()}", (
                        m.GetProperty("inputTokens").GetInt64(), m.GetProperty("outputTokens").GetInt64(),
                        m.GetProperty("cacheCreationTokens").GetInt64(), m.GetProperty("cacheReadTokens").GetInt64(),
                        m.GetProperty("cost").GetDecimal()));
                }
            }
        }

        Assert.True(theirs.Count > 100, $"ccusage reported only {theirs.Count} day/model rows");
        Assert.Equal(theirs.Keys.Order(StringComparer.Ordinal), ours.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, t) in theirs)
        {
            var u = ours[key];
            Assert.Equal((t.Input, t.Output, t.CacheCreate, t.CacheRead), (u.Tokens.Input, u.Tokens.BilledOutput, u.Tokens.CacheWrite, u.Tokens.CacheRead));
            var relative = Math.Abs(u.Cost!.Value - t.Cost) / Math.Max(t.Cost, 0.000001m);
            Assert.True(relative <= 0.005m, $"{key}: Tracelens ${u.Cost} vs ccusage ${t.Cost}");
        }
    }

    private static string RunCcusage(string home)
    {
        var start = new ProcessStartInfo(CcusageFactAttribute.Binary!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "daily", "--json", "--offline", "--timezone", "UTC" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = home;
        foreach (var name in new[] { "CLAUDE_CONFIG_DIR", "CODEX_HOME", "XDG_CONFIG_HOME", "OPENCODE_DATA_DIR", "CCUSAGE_OFFLINE" })
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ccusage exited {process.ExitCode.ToString(CultureInfo.InvariantCulture)}: {stderr.Result}");
        return stdout;
    }
}
