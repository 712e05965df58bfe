using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tracelens.Collect;
using Tracelens.Ledger;
using Tracelens.Pricing;
using Tracelens.Reports;
using Tracelens.Synth;

namespace Tracelens.Tests.Reports;

/// <summary>One model call of a hand-made Claude transcript: when, which model, its usage and how it ended.</summary>
internal sealed record ClaudeCall(
    string At,
    string Model = "claude-sonnet-4-5-20250929",
    long Input = 10,
    long Output = 5,
    long CacheRead = 0,
    long Write5m = 0,
    long Write1h = 0,
    string Stop = "end_turn",
    string[]? Tools = null);

/// <summary>
/// A fake HOME holding hand-made Claude Code transcripts (the documented JSONL shape: a user line,
/// then the assistant line with its usage), ingested into a ledger in the same folder.
/// </summary>
internal sealed class HandMadeHistory : IDisposable
{
    private int _calls;

    public string Home { get; } = Directory.CreateTempSubdirectory("tracelens-reports-").FullName;

    public string LedgerPath => Path.Combine(Home, ".tracelens", "ledger.db");

    /// <summary>Writes <c>.claude/projects/&lt;project&gt;/&lt;session&gt;.jsonl</c> (cwd /work/&lt;project&gt;).</summary>
    public void Session(string project, string session, params ClaudeCall[] calls) =>
        Write(Path.Combine(Home, ".claude", "projects", project, session + ".jsonl"), project, session, sidechain: false, calls);

    /// <summary>Writes a sidecar subagent transcript of <paramref name="session"/>, with its meta file naming the type.</summary>
    public void Subagent(string project, string session, string agentId, string? agentType, params ClaudeCall[] calls)
    {
        var folder = Path.Combine(Home, ".claude", "projects", project, session, "subagents");
        Write(Path.Combine(folder, $"agent-{agentId}.jsonl"), project, session, sidechain: true, calls);
        if (agentType is not null)
        {
            File.WriteAllText(Path.Combine(folder, $"agent-{agentId}.meta.json"), $$"""{"agentType":"{{agentType}}"}""");
        }
    }

    private void Write(string path, string project, string session, bool sidechain, ClaudeCall[] calls)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var lines = new StringBuilder();
        foreach (var call in calls)
        {
            var n = ++_calls;
            var common = new Dictionary<string, object?>
            {
                ["isSidechain"] = sidechain,
                ["timestamp"] = call.At,
                ["cwd"] = "/work/" + project,
                ["sessionId"] = session,
                ["version"] = "2.1.96",
            };
            var user = new Dictionary<string, object?>(common)
            {
                ["type"] = "user",
                ["uuid"] = $"u-{n}",
                ["message"] = new { role = "user", content = "go" },
            };
            var content = new List<object> { new { type = "text", text = "ok" } };
            content.AddRange((call.Tools ?? []).Select((tool, i) => (object)new { type = "tool_use", id = $"toolu_{n}_{i}", name = tool, input = new { } }));
            var assistant = new Dictionary<string, object?>(common)
            {
                ["type"] = "assistant",
                ["uuid"] = $"a-{n}",
                ["parentUuid"] = $"u-{n}",
                ["requestId"] = $"req_{n}",
                ["message"] = new Dictionary<string, object?>
                {
                    ["model"] = call.Model,
                    ["id"] = $"msg_{n}",
                    ["type"] = "message",
                    ["role"] = "assistant",
                    ["content"] = content,
                    ["stop_reason"] = call.Stop,
                    ["usage"] = new Dictionary<string, object>
                    {
                        ["input_tokens"] = call.Input,
                        ["cache_creation_input_tokens"] = call.Write5m + call.Write1h,
                        ["cache_read_input_tokens"] = call.CacheRead,
                        ["cache_creation"] = new { ephemeral_5m_input_tokens = call.Write5m, ephemeral_1h_input_tokens = call.Write1h },
                        ["output_tokens"] = call.Output,
                    },
                },
            };
            lines.Append(JsonSerializer.Serialize(user)).Append('\n').Append(JsonSerializer.Serialize(assistant)).Append('\n');
        }

        File.AppendAllText(path, lines.ToString());
    }

    /// <summary>Ingests the history and returns the reports over it (the caller disposes the ledger).</summary>
    public (LedgerDatabase Ledger, UsageReports Reports) Ingest()
    {
        var ledger = LedgerDatabase.Open(LedgerPath);
        new Ingestor(ledger).Run(new DiscoveryOptions { Home = Home });
        return (ledger, new UsageReports(ledger, PriceBook.Embedded));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Home, recursive: true);
    }
}

/// <summary>A generated Claude + Codex history with its ground truth, ingested once and shared by a test class.</summary>
public sealed class GeneratedLedger : IDisposable
{
    public GeneratedLedger()
        : this(seed: 17, records: 6_000)
    {
    }

    /// <summary>Generates <paramref name="records"/> model-written records from <paramref name="seed"/> and ingests them.</summary>
    internal GeneratedLedger(ulong seed, long records)
    {
        Home = Directory.CreateTempSubdirectory("tracelens-reports-gen-").FullName;
        var history = Path.Combine(Home, "history");
        Truth = SyntheticHistory.Generate(new SynthOptions { OutputDirectory = history, Seed = seed, TargetAssistantRecords = records }).GroundTruth;
        History = history;
        Ledger = LedgerDatabase.Open(Path.Combine(Home, "ledger.db"));
        new Ingestor(Ledger).Run(new DiscoveryOptions { Home = history });
        Reports = new UsageReports(Ledger, PriceBook.Embedded);
    }

    public string Home { get; }

    /// <summary>The generated HOME (<c>.claude</c>, <c>.codex</c>).</summary>
    public string History { get; }

    public GroundTruth Truth { get; }

    public LedgerDatabase Ledger { get; }

    public UsageReports Reports { get; }

    public long Scalar(string sql) => Convert.ToInt64(new SqliteCommand(sql, Ledger.Connection).ExecuteScalar(), CultureInfo.InvariantCulture);

    public void Dispose()
    {
        Ledger.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(Home, recursive: true);
    }
}
