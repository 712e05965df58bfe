using System.Text.Json;
using System.Text.RegularExpressions;
using Tracelens.Synth;

namespace Tracelens.Tests.Synth;

/// <summary>A fresh, uniquely named folder under the system temp folder, deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tracelens-" + prefix + "-" + Guid.NewGuid().ToString("N")[..12]);
    }

    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

/// <summary>One generated history (both providers, 8 MB) shared by the read-only format tests.</summary>
public sealed class SynthFixture : IDisposable
{
    private readonly TempDir _dir = new("synth-fixture");
    private readonly Dictionary<string, IReadOnlyList<JsonElement>> _parsed = new(StringComparer.Ordinal);

    public SynthFixture()
    {
        Summary = SyntheticHistory.Generate(new SynthOptions { OutputDirectory = _dir.Path, Seed = 42, TargetBytes = 8_000_000 });
        ClaudeRoot = System.IO.Path.Combine(_dir.Path, ".claude", "projects");
        CodexRoot = System.IO.Path.Combine(_dir.Path, ".codex", "sessions");
        ClaudeFiles = [.. Directory.EnumerateFiles(ClaudeRoot, "*.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
        CodexFiles = [.. Directory.EnumerateFiles(CodexRoot, "*.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
    }

    public string Home => _dir.Path;

    public SynthSummary Summary { get; }

    public GroundTruth Truth => Summary.GroundTruth;

    public string ClaudeRoot { get; }

    public string CodexRoot { get; }

    public IReadOnlyList<string> ClaudeFiles { get; }

    public IReadOnlyList<string> CodexFiles { get; }

    /// <summary>Main Claude session files (directly inside a project folder).</summary>
    public IEnumerable<string> ClaudeSessionFiles =>
        ClaudeFiles.Where(f => System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(f)) == ClaudeRoot);

    public void Dispose() => _dir.Dispose();

    /// <summary>The parsed lines of a generated file (parsed once, shared by the tests).</summary>
    public IReadOnlyList<JsonElement> Lines(string path)
    {
        lock (_parsed)
        {
            if (!_parsed.TryGetValue(path, out var lines))
            {
                lines = [.. ReadLines(path)];
                _parsed[path] = lines;
            }

            return lines;
        }
    }

    public static IEnumerable<JsonElement> ReadLines(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            yield return doc.RootElement.Clone();
        }
    }
}

/// <summary>
/// An independent reading of the generated files with TraceLab's extraction rules
/// (tracelab-spec §2.3, §2.4), used to check the generator's own ground truth.
/// </summary>
public static partial class ReferenceReader
{
    public sealed record Step(string Model, string Day, TokenTotals Totals, string? MessageKey);

    public static List<Step> ClaudeSteps(string projectsRoot, Func<string, IEnumerable<JsonElement>> read)
    {
        var steps = new List<Step>();
        foreach (var project in Directory.GetDirectories(projectsRoot).Order(StringComparer.Ordinal))
        {
            foreach (var file in Directory.EnumerateFiles(project, "*.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var rounds = new Dictionary<string, (string Model, string Day, string Request, JsonElement Usage, (long, long, int) Score, List<ToolState> Tools)>();
                var order = new List<string>();
                var tools = new Dictionary<string, ToolState>();
                foreach (var d in read(file))
                {
                    if (!d.TryGetProperty("message", out var m) || m.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    var role = m.GetProperty("role").GetString();
                    if (d.GetProperty("type").GetString() == "assistant" && role == "assistant")
                    {
                        if (m.GetProperty("model").GetString() == "<synthetic>")
                        {
                            continue;
                        }

                        var id = m.GetProperty("id").GetString()!;
                        var u = m.GetProperty("usage");
                        var score = (u.GetProperty("output_tokens").GetInt64(),
                            u.GetProperty("input_tokens").GetInt64() + u.GetProperty("cache_creation_input_tokens").GetInt64() + u.GetProperty("cache_read_input_tokens").GetInt64(),
                            m.GetProperty("stop_reason").ValueKind == JsonValueKind.Null ? 0 : 1);
                        if (!rounds.TryGetValue(id, out var r))
                        {
                            r = (m.GetProperty("model").GetString()!, d.GetProperty("timestamp").GetString()![..10], d.GetProperty("requestId").GetString()!, u, score, []);
                            order.Add(id);
                        }
                        else if (score.CompareTo(r.Score) >= 0)
                        {
                            r = r with { Usage = u, Score = score };
                        }

                        foreach (var b in m.GetProperty("content").EnumerateArray())
                        {
                            if (b.GetProperty("type").GetString() == "tool_use")
                            {
                                var t = new ToolState();
                                r.Tools.Add(t);
                                tools[b.GetProperty("id").GetString()!] = t;
                            }
                        }

                        rounds[id] = r;
                    }
                    else if (role == "user" && m.GetProperty("content").ValueKind == JsonValueKind.Array)
                    {
                        foreach (var b in m.GetProperty("content").EnumerateArray())
                        {
                            if (b.GetProperty("type").GetString() == "tool_result" && tools.TryGetValue(b.GetProperty("tool_use_id").GetString()!, out var t))
                            {
                                t.HasResult = true;
                                t.Error = b.TryGetProperty("is_error", out var e) && e.GetBoolean();
                            }
                        }
                    }
                }

                foreach (var id in order)
                {
                    var r = rounds[id];
                    var u = r.Usage;
                    long input = u.GetProperty("input_tokens").GetInt64(), creation = u.GetProperty("cache_creation_input_tokens").GetInt64();
                    long cacheRead = u.GetProperty("cache_read_input_tokens").GetInt64();
                    var cc = u.GetProperty("cache_creation");
                    var totals = new TokenTotals
                    {
                        Steps = 1,
                        InputTokensTotal = input + creation + cacheRead,
                        PrefixTokens = cacheRead,
                        NewlyAppendTokens = input + creation,
                        CacheCreation5mTokens = cc.GetProperty("ephemeral_5m_input_tokens").GetInt64(),
                        CacheCreation1hTokens = cc.GetProperty("ephemeral_1h_input_tokens").GetInt64(),
                        UncachedInputTokens = input,
                        OutputTokens = u.GetProperty("output_tokens").GetInt64(),
                        ToolCalls = r.Tools.Count,
                        ToolResults = r.Tools.Count(t => t.HasResult),
                        ToolErrors = r.Tools.Count(t => t.Error),
                    };
                    steps.Add(new Step(r.Model, r.Day, totals, id + "\n" + r.Request));
                }
            }
        }

        return steps;
    }

    public static List<Step> CodexSteps(string sessionsRoot, Func<string, IEnumerable<JsonElement>> read)
    {
        var steps = new List<Step>();
        foreach (var file in Directory.EnumerateFiles(sessionsRoot, "*.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string? model = null, lastSignature = null;
            var segment = new List<ToolState>();
            var tools = new Dictionary<string, ToolState>();
            var pending = new List<(string Day, string Model, TokenTotals Totals, List<ToolState> Tools)>();
            foreach (var d in read(file))
            {
                var type = d.GetProperty("type").GetString();
                var p = d.GetProperty("payload");
                var ptype = p.TryGetProperty("type", out var pt) ? pt.GetString() : null;
                if (type == "turn_context")
                {
                    model = p.GetProperty("model").GetString();
                }
                else if (type == "response_item" && ptype is "function_call" or "custom_tool_call")
                {
                    var t = new ToolState();
                    segment.Add(t);
                    tools[p.GetProperty("call_id").GetString()!] = t;
                }
                else if ((type == "response_item" && ptype is "function_call_output" or "custom_tool_call_output") ||
                         (type == "event_msg" && ptype is "exec_command_end" or "patch_apply_end"))
                {
                    var t = tools[p.GetProperty("call_id").GetString()!];
                    t.HasResult = true;
                    bool? error = ptype switch
                    {
                        "exec_command_end" => p.GetProperty("exit_code").GetInt32() != 0,
                        "patch_apply_end" => !p.GetProperty("success").GetBoolean(),
                        _ => OutputError(p.GetProperty("output").GetString()!),
                    };
                    if (error is { } e)
                    {
                        t.Error = e;
                    }
                }
                else if (type == "event_msg" && ptype == "token_count")
                {
                    var info = p.GetProperty("info");
                    if (info.ValueKind == JsonValueKind.Null)
                    {
                        continue;
                    }

                    var signature = info.GetProperty("total_token_usage").GetRawText();
                    if (signature == lastSignature)
                    {
                        continue;
                    }

                    lastSignature = signature;
                    var last = info.GetProperty("last_token_usage");
                    long input = last.GetProperty("input_tokens").GetInt64(), cached = last.GetProperty("cached_input_tokens").GetInt64();
                    var totals = new TokenTotals
                    {
                        Steps = 1,
                        InputTokensTotal = input,
                        PrefixTokens = cached,
                        NewlyAppendTokens = Math.Max(0, input - cached),
                        UncachedInputTokens = Math.Max(0, input - cached),
                        OutputTokens = last.GetProperty("output_tokens").GetInt64(),
                        ReasoningOutputTokens = last.GetProperty("reasoning_output_tokens").GetInt64(),
                        ToolCalls = segment.Count,
                    };
                    pending.Add((d.GetProperty("timestamp").GetString()![..10], model!, totals, segment));
                    segment = [];
                }
            }

            foreach (var (day, m, totals, ts) in pending)
            {
                totals.ToolResults = ts.Count(t => t.HasResult);
                totals.ToolErrors = ts.Count(t => t.Error);
                steps.Add(new Step(m, day, totals, null));
            }
        }

        return steps;
    }

    public static TokenTotals Sum(IEnumerable<Step> steps)
    {
        var t = new TokenTotals();
        foreach (var s in steps)
        {
            t.Add(s.Totals);
        }

        return t;
    }

    private static bool? OutputError(string output)
    {
        var m = ExitCode().Match(output);
        if (m.Success)
        {
            return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) != 0;
        }

        try
        {
            using var doc = JsonDocument.Parse(output);
            return doc.RootElement.GetProperty("metadata").GetProperty("exit_code").GetInt32() != 0;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"(?:Exit code|Process exited with code)[: ]+(-?\d+)")]
    private static partial Regex ExitCode();

    private sealed class ToolState
    {
        public bool HasResult { get; set; }
        public bool Error { get; set; }
    }
}
