using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Tracelens.Tests.Synth;

/// <summary>The generated Claude Code transcripts have the shapes readers rely on.</summary>
public partial class ClaudeFormatTests(SynthFixture fx) : IClassFixture<SynthFixture>
{
    [Fact]
    public void Every_line_is_a_json_object_with_a_type()
    {
        long lines = 0;
        foreach (var file in fx.ClaudeFiles)
        {
            // Lines() parses each line on its own with System.Text.Json, which throws on invalid JSON.
            foreach (var d in fx.Lines(file))
            {
                Assert.Equal(JsonValueKind.Object, d.ValueKind);
                Assert.True(d.TryGetProperty("type", out _), $"{file}: a line without type");
                lines++;
            }
        }

        Assert.Equal(fx.Truth.Providers["claude"].Counts.Lines, lines);
    }

    [Fact]
    public void Envelopes_carry_session_metadata_and_a_parent_chain()
    {
        foreach (var file in fx.ClaudeSessionFiles.Take(10))
        {
            var sessionId = Path.GetFileNameWithoutExtension(file);
            string? previous = null;
            foreach (var d in fx.Lines(file))
            {
                if (!d.TryGetProperty("uuid", out var uuid))
                {
                    continue;
                }

                Assert.Equal(sessionId, d.GetProperty("sessionId").GetString());
                Assert.StartsWith("/home/dev/", d.GetProperty("cwd").GetString());
                Assert.False(string.IsNullOrEmpty(d.GetProperty("version").GetString()));
                Assert.False(string.IsNullOrEmpty(d.GetProperty("gitBranch").GetString()));
                Assert.False(d.GetProperty("isSidechain").GetBoolean());
                Assert.Matches(IsoMillis(), d.GetProperty("timestamp").GetString()!);
                var parent = d.GetProperty("parentUuid");
                if (d.GetProperty("type").GetString() == "system" && d.GetProperty("subtype").GetString() == "compact_boundary")
                {
                    Assert.Equal(JsonValueKind.Null, parent.ValueKind);
                    Assert.Equal(previous, d.GetProperty("logicalParentUuid").GetString());
                }
                else if (previous is not null)
                {
                    Assert.Equal(previous, parent.GetString());
                }

                previous = uuid.GetString();
            }
        }
    }

    [Fact]
    public void Split_assistant_lines_share_ids_and_grow_to_the_final_usage()
    {
        var multiLine = 0;
        foreach (var file in fx.ClaudeFiles)
        {
            var groups = new Dictionary<string, List<JsonElement>>();
            foreach (var d in fx.Lines(file))
            {
                if (d.GetProperty("type").GetString() == "assistant" && d.GetProperty("message").GetProperty("model").GetString() != "<synthetic>")
                {
                    var id = d.GetProperty("message").GetProperty("id").GetString()!;
                    if (!groups.TryGetValue(id, out var list))
                    {
                        groups[id] = list = [];
                    }

                    list.Add(d);
                }
            }

            foreach (var (id, lines) in groups)
            {
                Assert.StartsWith("msg_01", id);
                var request = lines[0].GetProperty("requestId").GetString();
                Assert.StartsWith("req_", request);
                var firstUsage = lines[0].GetProperty("message").GetProperty("usage");
                long previousOutput = 0;
                for (var i = 0; i < lines.Count; i++)
                {
                    var m = lines[i].GetProperty("message");
                    Assert.Equal(request, lines[i].GetProperty("requestId").GetString());
                    Assert.Single(m.GetProperty("content").EnumerateArray());
                    var usage = m.GetProperty("usage");
                    foreach (var key in new[] { "input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens" })
                    {
                        Assert.Equal(firstUsage.GetProperty(key).GetInt64(), usage.GetProperty(key).GetInt64());
                    }

                    var cc = usage.GetProperty("cache_creation");
                    Assert.Equal(
                        usage.GetProperty("cache_creation_input_tokens").GetInt64(),
                        cc.GetProperty("ephemeral_5m_input_tokens").GetInt64() + cc.GetProperty("ephemeral_1h_input_tokens").GetInt64());
                    Assert.Equal("standard", usage.GetProperty("service_tier").GetString());

                    var output = usage.GetProperty("output_tokens").GetInt64();
                    Assert.True(output >= previousOutput, $"{id}: output_tokens decreased");
                    previousOutput = output;
                    var last = i == lines.Count - 1;
                    Assert.Equal(last, m.GetProperty("stop_reason").ValueKind != JsonValueKind.Null);
                }

                if (lines.Count > 1)
                {
                    multiLine++;
                    var firstOutput = lines[0].GetProperty("message").GetProperty("usage").GetProperty("output_tokens").GetInt64();
                    Assert.True(firstOutput < previousOutput || previousOutput <= 2, $"{id}: no intermediate output_tokens");
                }
            }
        }

        Assert.True(multiLine > 100, $"only {multiLine} split messages");
    }

    [Fact]
    public void Synthetic_api_errors_are_present_and_counted()
    {
        var synthetic = 0;
        var assistant = 0;
        foreach (var file in fx.ClaudeFiles)
        {
            foreach (var d in fx.Lines(file))
            {
                if (d.GetProperty("type").GetString() != "assistant")
                {
                    continue;
                }

                assistant++;
                var m = d.GetProperty("message");
                if (m.GetProperty("model").GetString() == "<synthetic>")
                {
                    synthetic++;
                    Assert.True(d.GetProperty("isApiErrorMessage").GetBoolean());
                    Assert.Equal(0, m.GetProperty("usage").GetProperty("output_tokens").GetInt64());
                    Assert.StartsWith("API Error", m.GetProperty("content")[0].GetProperty("text").GetString());
                }
            }
        }

        var counts = fx.Truth.Providers["claude"].Counts;
        Assert.True(synthetic > 0);
        Assert.Equal(counts.SyntheticRecords, synthetic);
        Assert.Equal(counts.AssistantRecords, assistant);
    }

    [Fact]
    public void Compaction_writes_a_boundary_and_a_summary_and_the_context_drops()
    {
        var boundaries = 0;
        var drops = 0;
        foreach (var file in fx.ClaudeSessionFiles)
        {
            var lines = fx.Lines(file).ToList();
            for (var i = 0; i < lines.Count; i++)
            {
                var d = lines[i];
                if (d.GetProperty("type").GetString() != "system" || d.GetProperty("subtype").GetString() != "compact_boundary")
                {
                    continue;
                }

                boundaries++;
                var preTokens = d.GetProperty("compactMetadata").GetProperty("preTokens").GetInt64();
                var summary = lines[i + 1];
                Assert.True(summary.GetProperty("isCompactSummary").GetBoolean());
                Assert.Equal(d.GetProperty("uuid").GetString(), summary.GetProperty("parentUuid").GetString());
                Assert.StartsWith("This session is being continued", summary.GetProperty("message").GetProperty("content").GetString());

                var next = lines.Skip(i + 2).First(l => l.GetProperty("type").GetString() == "assistant" &&
                                                        l.GetProperty("message").GetProperty("model").GetString() != "<synthetic>");
                var u = next.GetProperty("message").GetProperty("usage");
                var input = u.GetProperty("input_tokens").GetInt64() + u.GetProperty("cache_creation_input_tokens").GetInt64() +
                            u.GetProperty("cache_read_input_tokens").GetInt64();
                if (input < preTokens)
                {
                    drops++;
                }
            }
        }

        Assert.True(boundaries > 0);
        Assert.Equal(fx.Truth.Providers["claude"].Counts.Compactions, boundaries);
        Assert.Equal(boundaries, drops);
    }

    [Fact]
    public void Tool_results_answer_every_call_with_errors_and_huge_truncated_outputs_among_them()
    {
        var errors = 0;
        var huge = 0;
        var withDuration = 0;
        var repeatedReads = 0;
        foreach (var file in fx.ClaudeFiles)
        {
            var calls = new Dictionary<string, string>();
            foreach (var d in fx.Lines(file))
            {
                var m = d.TryGetProperty("message", out var mm) ? mm : default;
                if (m.ValueKind != JsonValueKind.Object || m.GetProperty("content").ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var b in m.GetProperty("content").EnumerateArray())
                {
                    var type = b.GetProperty("type").GetString();
                    if (type == "tool_use")
                    {
                        calls[b.GetProperty("id").GetString()!] = b.GetProperty("name").GetString()!;
                    }
                    else if (type == "tool_result")
                    {
                        var name = calls[b.GetProperty("tool_use_id").GetString()!];
                        calls.Remove(b.GetProperty("tool_use_id").GetString()!);
                        Assert.True(d.TryGetProperty("toolUseResult", out var tur));
                        if (b.TryGetProperty("is_error", out var e) && e.GetBoolean())
                        {
                            errors++;
                            Assert.Equal(JsonValueKind.String, tur.ValueKind);
                            continue;
                        }

                        var raw = b.GetProperty("content").GetRawText();
                        if (name == "Bash" && raw.Contains("[truncated]", StringComparison.Ordinal))
                        {
                            huge++;
                            Assert.True(raw.Length > 100_000, $"a truncated Bash output of only {raw.Length} bytes");
                            Assert.Equal(b.GetProperty("content").GetString(), tur.GetProperty("stdout").GetString());
                        }

                        if (tur.ValueKind == JsonValueKind.Object && tur.TryGetProperty("durationMs", out _))
                        {
                            withDuration++;
                        }

                        if (name == "Read")
                        {
                            var content = tur.GetProperty("file").GetProperty("content").GetString()!;
                            var shown = b.GetProperty("content").GetString()!;
                            var firstLine = content.Split('\n')[0];
                            Assert.Contains("→" + firstLine, shown, StringComparison.Ordinal);
                            repeatedReads++;
                        }
                    }
                }
            }

            Assert.Empty(calls);
        }

        var counts = fx.Truth.Providers["claude"];
        Assert.True(errors > 0);
        Assert.Equal(counts.Steps.Totals.ToolErrors, errors);
        Assert.True(huge > 0, "no huge tool result");
        Assert.Equal(counts.Counts.HugeToolResults, huge);
        Assert.True(withDuration > 0);
        Assert.True(repeatedReads > 0);
    }

    [Fact]
    public void Task_calls_spawn_sidecar_subagents_with_meta_and_agent_ids()
    {
        var sidecars = fx.ClaudeFiles.Where(f => f.Contains("/subagents/agent-", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(sidecars);
        Assert.Equal(fx.Truth.Providers["claude"].Counts.SubagentFiles, sidecars.Count);
        foreach (var sidecar in sidecars)
        {
            var agentId = Path.GetFileNameWithoutExtension(sidecar)["agent-".Length..];
            var sessionDir = Path.GetDirectoryName(Path.GetDirectoryName(sidecar))!;
            var parentFile = sessionDir + ".jsonl";
            Assert.True(File.Exists(parentFile), $"no parent transcript for {sidecar}");

            using var meta = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(sidecar, ".meta.json")));
            var toolUseId = meta.RootElement.GetProperty("toolUseId").GetString()!;
            Assert.False(string.IsNullOrEmpty(meta.RootElement.GetProperty("agentType").GetString()));
            Assert.False(string.IsNullOrEmpty(meta.RootElement.GetProperty("description").GetString()));

            var lines = fx.Lines(sidecar).ToList();
            Assert.All(lines, l => Assert.True(l.GetProperty("isSidechain").GetBoolean()));
            Assert.All(lines, l => Assert.Equal(Path.GetFileName(sessionDir), l.GetProperty("sessionId").GetString()));
            Assert.All(lines, l => Assert.Equal(agentId, l.GetProperty("agentId").GetString()));
            Assert.Equal(JsonValueKind.Null, lines[0].GetProperty("parentUuid").ValueKind);
            Assert.Contains(lines, l => l.GetProperty("type").GetString() == "assistant");

            var parent = fx.Lines(parentFile).ToList();
            Assert.Contains(parent, l => l.GetProperty("type").GetString() == "assistant" &&
                                         l.GetProperty("message").GetProperty("content")[0].TryGetProperty("id", out var id) && id.GetString() == toolUseId);
            Assert.Contains(parent, l => l.TryGetProperty("toolUseResult", out var r) && r.ValueKind == JsonValueKind.Object &&
                                         r.TryGetProperty("agentId", out var a) && a.GetString() == agentId &&
                                         l.GetProperty("message").GetProperty("content")[0].GetProperty("tool_use_id").GetString() == toolUseId);
        }
    }

    [Fact]
    public void Resumed_sessions_replay_an_older_prefix_under_a_new_session_id()
    {
        var firstIds = new Dictionary<string, string>();
        foreach (var file in fx.ClaudeSessionFiles)
        {
            var first = fx.Lines(file).FirstOrDefault(l => l.GetProperty("type").GetString() == "assistant" &&
                                                                    l.GetProperty("message").GetProperty("model").GetString() != "<synthetic>");
            if (first.ValueKind == JsonValueKind.Object)
            {
                var id = first.GetProperty("message").GetProperty("id").GetString()!;
                if (firstIds.TryGetValue(id, out var other))
                {
                    Assert.NotEqual(Path.GetFileName(other), Path.GetFileName(file));
                    Assert.Equal(Path.GetDirectoryName(other), Path.GetDirectoryName(file));
                }
                else
                {
                    firstIds[id] = file;
                }
            }
        }

        var claude = fx.Truth.Providers["claude"];
        var shared = fx.ClaudeSessionFiles.Count() - firstIds.Count;
        Assert.True(shared > 0, "no resumed session replays another one");
        Assert.Equal(claude.Counts.ResumedSessions, shared);
        Assert.True(claude.DeduplicatedByMessage!.Totals.Steps < claude.Steps.Totals.Steps);
    }

    [Fact]
    public void Bookkeeping_rows_and_several_models_appear()
    {
        var types = new HashSet<string>(StringComparer.Ordinal);
        var models = new HashSet<string>(StringComparer.Ordinal);
        var ttl1h = 0;
        foreach (var file in fx.ClaudeFiles)
        {
            foreach (var d in fx.Lines(file))
            {
                var type = d.GetProperty("type").GetString()!;
                types.Add(type == "system" ? "system/" + d.GetProperty("subtype").GetString() : type);
                if (type == "assistant")
                {
                    var m = d.GetProperty("message");
                    models.Add(m.GetProperty("model").GetString()!);
                    if (m.GetProperty("usage").GetProperty("cache_creation").GetProperty("ephemeral_1h_input_tokens").GetInt64() > 0)
                    {
                        ttl1h++;
                    }
                }
            }
        }

        Assert.Superset(
            new HashSet<string>(["user", "assistant", "permission-mode", "file-history-snapshot", "ai-title", "last-prompt", "system/compact_boundary", "system/turn_duration"]),
            types);
        Assert.True(models.Count >= 4, string.Join(", ", models));
        Assert.Contains("<synthetic>", models);
        Assert.True(ttl1h > 0, "no 1-hour cache writes");
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex IsoMillis();
}
