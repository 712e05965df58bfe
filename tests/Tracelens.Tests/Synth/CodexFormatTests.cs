using System.Text.Json;
using Xunit;

namespace Tracelens.Tests.Synth;

/// <summary>The generated Codex rollouts have the shapes readers rely on.</summary>
public class CodexFormatTests(SynthFixture fx) : IClassFixture<SynthFixture>
{
    [Fact]
    public void Rollouts_live_in_dated_folders_named_after_their_session()
    {
        Assert.NotEmpty(fx.CodexFiles);
        foreach (var file in fx.CodexFiles)
        {
            var lines = fx.Lines(file).ToList();
            var meta = lines[0];
            Assert.Equal("session_meta", meta.GetProperty("type").GetString());
            var p = meta.GetProperty("payload");
            var id = p.GetProperty("id").GetString()!;
            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-", id);
            Assert.EndsWith("-" + id + ".jsonl", file, StringComparison.Ordinal);
            Assert.StartsWith("rollout-", Path.GetFileName(file), StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(p.GetProperty("cli_version").GetString()));
            Assert.False(string.IsNullOrEmpty(p.GetProperty("source").GetString()));
            Assert.StartsWith("/home/dev/", p.GetProperty("cwd").GetString());

            var relative = Path.GetRelativePath(fx.CodexRoot, file).Replace('\\', '/');
            var day = lines.First(l => l.GetProperty("type").GetString() == "turn_context").GetProperty("timestamp").GetString()![..10];
            Assert.StartsWith(relative[..10].Replace('/', '-'), Path.GetFileName(file)["rollout-".Length..], StringComparison.Ordinal);
            Assert.True(string.CompareOrdinal(relative[..10].Replace('/', '-'), day) <= 0);
            Assert.All(lines, l => Assert.True(l.GetProperty("payload").ValueKind == JsonValueKind.Object));
        }
    }

    [Fact]
    public void Turns_carry_context_models_and_usage_reports()
    {
        var models = new HashSet<string>(StringComparer.Ordinal);
        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in fx.CodexFiles)
        {
            foreach (var d in fx.Lines(file))
            {
                var p = d.GetProperty("payload");
                var t = d.GetProperty("type").GetString()!;
                types.Add(p.TryGetProperty("type", out var pt) ? t + "/" + pt.GetString() : t);
                if (t == "turn_context")
                {
                    models.Add(p.GetProperty("model").GetString()!);
                    Assert.Matches("^[0-9a-f]{8}-", p.GetProperty("turn_id").GetString()!);
                }

                if (t == "response_item" && p.GetProperty("type").GetString() == "function_call")
                {
                    Assert.Equal("exec_command", p.GetProperty("name").GetString());
                    using var args = JsonDocument.Parse(p.GetProperty("arguments").GetString()!);
                    Assert.False(string.IsNullOrEmpty(args.RootElement.GetProperty("cmd").GetString()));
                }

                if (t == "response_item" && p.GetProperty("type").GetString() == "function_call_output")
                {
                    Assert.Matches(@"^Chunk ID: [0-9a-f]{6}\nWall time: \d+\.\d{4} seconds\nProcess exited with code \d+\nOriginal token count: \d+\nOutput:\n", p.GetProperty("output").GetString()!);
                }

                if (t == "event_msg" && p.GetProperty("type").GetString() == "token_count" && p.GetProperty("info").ValueKind == JsonValueKind.Object)
                {
                    foreach (var key in new[] { "total_token_usage", "last_token_usage" })
                    {
                        var u = p.GetProperty("info").GetProperty(key);
                        Assert.True(u.GetProperty("cached_input_tokens").GetInt64() <= u.GetProperty("input_tokens").GetInt64());
                        Assert.True(u.GetProperty("reasoning_output_tokens").GetInt64() <= u.GetProperty("output_tokens").GetInt64());
                        Assert.Equal(u.GetProperty("input_tokens").GetInt64() + u.GetProperty("output_tokens").GetInt64(), u.GetProperty("total_tokens").GetInt64());
                    }
                }
            }
        }

        Assert.True(models.Count >= 2, string.Join(", ", models));
        Assert.Superset(
            new HashSet<string>([
                "session_meta", "turn_context", "compacted", "event_msg/task_started", "event_msg/user_message", "event_msg/token_count",
                "event_msg/exec_command_end", "event_msg/patch_apply_end", "event_msg/task_complete", "response_item/reasoning",
                "response_item/message", "response_item/function_call", "response_item/function_call_output",
                "response_item/custom_tool_call", "response_item/custom_tool_call_output",
            ]),
            types);
    }

    [Fact]
    public void Totals_are_cumulative_and_duplicate_echoes_and_null_infos_are_present()
    {
        long echoes = 0, nulls = 0, accepted = 0;
        foreach (var file in fx.CodexFiles)
        {
            string? lastTotal = null;
            long input = 0, output = 0;
            foreach (var d in fx.Lines(file))
            {
                var p = d.GetProperty("payload");
                if (d.GetProperty("type").GetString() != "event_msg" || p.GetProperty("type").GetString() != "token_count")
                {
                    continue;
                }

                var info = p.GetProperty("info");
                if (info.ValueKind == JsonValueKind.Null)
                {
                    nulls++;
                    continue;
                }

                var total = info.GetProperty("total_token_usage");
                if (total.GetRawText() == lastTotal)
                {
                    echoes++;
                    continue;
                }

                accepted++;
                lastTotal = total.GetRawText();
                var last = info.GetProperty("last_token_usage");
                input += last.GetProperty("input_tokens").GetInt64();
                output += last.GetProperty("output_tokens").GetInt64();
                Assert.Equal(input, total.GetProperty("input_tokens").GetInt64());
                Assert.Equal(output, total.GetProperty("output_tokens").GetInt64());
            }
        }

        var counts = fx.Truth.Providers["codex"].Counts;
        Assert.True(echoes > 0 && nulls > 0);
        Assert.Equal(counts.DuplicateTokenCountEchoes, echoes);
        Assert.Equal(counts.NullInfoTokenCounts, nulls);
        Assert.Equal(counts.TokenCountEvents, accepted + echoes);
        Assert.Equal(fx.Truth.Providers["codex"].Steps.Totals.Steps, accepted);
    }

    [Fact]
    public void Compaction_and_failed_commands_are_present()
    {
        var compacted = 0;
        var failed = 0;
        foreach (var file in fx.CodexFiles)
        {
            foreach (var d in fx.Lines(file))
            {
                var p = d.GetProperty("payload");
                if (d.GetProperty("type").GetString() == "compacted")
                {
                    compacted++;
                    Assert.Equal(JsonValueKind.Array, p.GetProperty("replacement_history").ValueKind);
                }
                else if (p.TryGetProperty("type", out var t) && t.GetString() == "function_call_output" &&
                         !p.GetProperty("output").GetString()!.Contains("Process exited with code 0\n", StringComparison.Ordinal))
                {
                    failed++;
                }
            }
        }

        Assert.True(compacted > 0);
        Assert.Equal(fx.Truth.Providers["codex"].Counts.Compactions, compacted);
        Assert.True(failed > 0);
    }
}
