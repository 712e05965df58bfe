using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tracelens.Collect;
using Tracelens.Hotspots;
using Tracelens.Ledger;
using Tracelens.Pricing;
using Tracelens.Reports;

namespace Tracelens.Tests.Hotspots;

/// <summary>A tool call of a hand-made step: its name, input, and result (null: no result recorded).</summary>
internal sealed record ToolUse(string Name, object Input, string? Result, bool IsError = false);

/// <summary>One model call of a hand-made Claude transcript with its usage and the tools it called.</summary>
internal sealed record ToolStep(long Input = 10, long Write5m = 0, long CacheRead = 0, long Output = 5, params ToolUse[] Tools);

/// <summary>
/// A fake HOME of hand-made Claude Code transcripts whose steps call tools and get results back
/// (user lines with tool_result blocks), ingested into a ledger in the same folder.
/// </summary>
internal sealed class ToolTranscript : IDisposable
{
    public const string Model = "claude-sonnet-4-5-20250929";

    private int _n;

    public string Home { get; } = Directory.CreateTempSubdirectory("tracelens-hotspots-").FullName;

    public void Session(string session, params ToolStep[] steps)
    {
        var path = Path.Combine(Home, ".claude", "projects", "proj", session + ".jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var lines = new StringBuilder();
        var minute = 0;
        string At() => $"2026-02-02T09:{minute++:00}:00.000Z";
        void Line(object o) => lines.Append(JsonSerializer.Serialize(o)).Append('\n');
        var common = new { cwd = "/work/proj", sessionId = session, version = "2.1.96", isSidechain = false };
        Line(new { type = "user", uuid = $"u-{++_n}", timestamp = At(), common.cwd, common.sessionId, common.version, common.isSidechain, message = new { role = "user", content = "go" } });
        foreach (var step in steps)
        {
            var n = ++_n;
            var content = new List<object> { new { type = "text", text = "ok" } };
            content.AddRange(step.Tools.Select((t, i) => (object)new { type = "tool_use", id = $"toolu_{n}_{i}", name = t.Name, input = t.Input }));
            Line(new
            {
                type = "assistant",
                uuid = $"a-{n}",
                parentUuid = $"u-{n - 1}",
                requestId = $"req_{n}",
                timestamp = At(),
                common.cwd,
                common.sessionId,
                common.version,
                common.isSidechain,
                message = new
                {
                    model = Model,
                    id = $"msg_{n}",
                    type = "message",
                    role = "assistant",
                    content,
                    stop_reason = step.Tools.Length > 0 ? "tool_use" : "end_turn",
                    usage = new
                    {
                        input_tokens = step.Input,
                        cache_creation_input_tokens = step.Write5m,
                        cache_read_input_tokens = step.CacheRead,
                        cache_creation = new { ephemeral_5m_input_tokens = step.Write5m, ephemeral_1h_input_tokens = 0 },
                        output_tokens = step.Output,
                    },
                },
            });
            var results = step.Tools.Select((t, i) => (t, i)).Where(x => x.t.Result is not null)
                .Select(x => (object)new { type = "tool_result", tool_use_id = $"toolu_{n}_{x.i}", content = x.t.Result, is_error = x.t.IsError }).ToList();
            Line(new
            {
                type = "user",
                uuid = $"u-{++_n}",
                parentUuid = $"a-{n}",
                timestamp = At(),
                common.cwd,
                common.sessionId,
                common.version,
                common.isSidechain,
                message = new { role = "user", content = results.Count > 0 ? (object)results : "next" },
            });
        }

        File.AppendAllText(path, lines.ToString());
    }

    /// <summary>Ingests everything written so far and attributes it.</summary>
    public HotspotReport Attribute(HotspotRank rankBy = HotspotRank.Cost, bool withInputs = false) => Attribute(Home, new ReportFilter(), rankBy, withInputs);

    /// <summary>Ingests the logs under <paramref name="home"/> into a ledger there and attributes them.</summary>
    public static HotspotReport Attribute(string home, ReportFilter filter, HotspotRank rankBy = HotspotRank.Cost, bool withInputs = false) =>
        Analyze(home, a => a.Attribute(filter, rankBy, withInputs));

    public static List<WasteFinding> Findings(string home) =>
        Analyze(home, a => WasteFindings.Detect(a.Attribute(new ReportFilter(), withInputs: true), PriceBook.Embedded, a.Caps));

    private static T Analyze<T>(string home, Func<HotspotAnalysis, T> run)
    {
        using var ledger = LedgerDatabase.Open(Path.Combine(home, ".tracelens", "ledger.db"));
        new Ingestor(ledger).Run(new DiscoveryOptions { Home = home });
        return run(new HotspotAnalysis(ledger, PriceBook.Embedded, home));
    }

    public List<WasteFinding> Findings() => Findings(Home);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Home, recursive: true);
    }
}
