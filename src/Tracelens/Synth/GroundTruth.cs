using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracelens.Synth;

/// <summary>
/// What the generator wrote, computed while writing (never by parsing its own output):
/// the totals a correct reader must report for the generated history. Saved as
/// <c>ground_truth.json</c> beside <c>.claude/</c> and <c>.codex/</c> and read back with <see cref="Load"/>.
/// </summary>
/// <remarks>
/// Step semantics follow the extractor (tracelab-spec §2.3–2.5):
/// Claude: one step per distinct <c>message.id</c> per file (synthetic messages excluded), usage of
/// the final snapshot; resumed copies and subagent files are separate files and so separate steps.
/// Codex: one step per accepted <c>token_count</c> (info null and duplicate total echoes excluded),
/// usage from <c>last_token_usage</c>. A step's day is the UTC day of its first record; a step's
/// records never straddle midnight, so the day of any of its records gives the same answer.
/// </remarks>
public sealed class GroundTruth
{
    public const string FileName = "ground_truth.json";
    public const string CurrentSchema = "tracelens-synth-ground-truth/1";

    public string Schema { get; set; } = CurrentSchema;

    public ulong Seed { get; set; }

    public long? TargetBytes { get; set; }

    public long? TargetAssistantRecords { get; set; }

    /// <summary>First UTC day sessions may start on (yyyy-MM-dd).</summary>
    public string BaseDate { get; set; } = string.Empty;

    /// <summary>Number of days session starts are spread over.</summary>
    public int Days { get; set; }

    /// <summary>Per provider wire name (<c>claude</c>, <c>codex</c>); only generated providers appear.</summary>
    public SortedDictionary<string, ProviderTruth> Providers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Bytes of every generated file (JSONL and subagent meta), excluding this file.</summary>
    public long TotalBytes { get; set; }

    public static GroundTruth Load(string path)
    {
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize(stream, GroundTruthJsonContext.Default.GroundTruth)
               ?? throw new InvalidDataException($"{path}: empty ground truth");
    }

    public static GroundTruth Parse(string json) =>
        JsonSerializer.Deserialize(json, GroundTruthJsonContext.Default.GroundTruth)
        ?? throw new InvalidDataException("empty ground truth");

    /// <summary>Indented JSON with LF line ends and a final newline; keys in ordinal order.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, GroundTruthJsonContext.Default.GroundTruth) + "\n";

    public void Save(string path) => File.WriteAllText(path, ToJson(), new UTF8Encoding(false));
}

/// <summary>Ground truth of one provider.</summary>
public sealed class ProviderTruth
{
    public ProviderCounts Counts { get; set; } = new();

    /// <summary>Steps as the extractor sees them (deduplicated by trace key only).</summary>
    public TokenBreakdown Steps { get; set; } = new();

    /// <summary>
    /// Claude only: the same steps after a global dedupe on (<c>message.id</c>, <c>requestId</c>)
    /// keeping the final snapshot, as ccusage counts. Differs from <see cref="Steps"/> by the
    /// replayed prefixes of resumed sessions. Null for Codex.
    /// </summary>
    public TokenBreakdown? DeduplicatedByMessage { get; set; }
}

/// <summary>Totals, and the same totals split by model, by UTC day, and by day then model.</summary>
public sealed class TokenBreakdown
{
    public TokenTotals Totals { get; set; } = new();

    public SortedDictionary<string, TokenTotals> ByModel { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Keyed by UTC day, yyyy-MM-dd.</summary>
    public SortedDictionary<string, TokenTotals> ByDay { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Day (yyyy-MM-dd) → model → totals.</summary>
    public SortedDictionary<string, SortedDictionary<string, TokenTotals>> ByDayModel { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Token and tool totals over a set of steps.</summary>
public sealed class TokenTotals
{
    public long Steps { get; set; }

    /// <summary>Claude: uncached + cache creation + cache read. Codex: <c>input_tokens</c> (includes cached).</summary>
    public long InputTokensTotal { get; set; }

    /// <summary>Cache-read tokens (Claude <c>cache_read_input_tokens</c>, Codex <c>cached_input_tokens</c>).</summary>
    public long PrefixTokens { get; set; }

    /// <summary>Claude: uncached + cache creation. Codex: max(0, input − cached).</summary>
    public long NewlyAppendTokens { get; set; }

    [JsonPropertyName("cache_creation_5m_tokens")]
    public long CacheCreation5mTokens { get; set; }

    [JsonPropertyName("cache_creation_1h_tokens")]
    public long CacheCreation1hTokens { get; set; }

    /// <summary>Claude <c>input_tokens</c>; Codex max(0, input − cached).</summary>
    public long UncachedInputTokens { get; set; }

    public long OutputTokens { get; set; }

    /// <summary>Codex <c>reasoning_output_tokens</c> (a subset of output); always 0 for Claude.</summary>
    public long ReasoningOutputTokens { get; set; }

    /// <summary>Tool calls emitted by the steps.</summary>
    public long ToolCalls { get; set; }

    /// <summary>Tool calls of the steps that received a result in the same file.</summary>
    public long ToolResults { get; set; }

    /// <summary>Tool calls whose (last) result is an error.</summary>
    public long ToolErrors { get; set; }

    public void Add(TokenTotals o)
    {
        Steps += o.Steps;
        InputTokensTotal += o.InputTokensTotal;
        PrefixTokens += o.PrefixTokens;
        NewlyAppendTokens += o.NewlyAppendTokens;
        CacheCreation5mTokens += o.CacheCreation5mTokens;
        CacheCreation1hTokens += o.CacheCreation1hTokens;
        UncachedInputTokens += o.UncachedInputTokens;
        OutputTokens += o.OutputTokens;
        ReasoningOutputTokens += o.ReasoningOutputTokens;
        ToolCalls += o.ToolCalls;
        ToolResults += o.ToolResults;
        ToolErrors += o.ToolErrors;
    }

    public TokenTotals Clone()
    {
        var c = new TokenTotals();
        c.Add(this);
        return c;
    }

    public bool ValueEquals(TokenTotals o) =>
        Steps == o.Steps && InputTokensTotal == o.InputTokensTotal && PrefixTokens == o.PrefixTokens &&
        NewlyAppendTokens == o.NewlyAppendTokens && CacheCreation5mTokens == o.CacheCreation5mTokens &&
        CacheCreation1hTokens == o.CacheCreation1hTokens && UncachedInputTokens == o.UncachedInputTokens &&
        OutputTokens == o.OutputTokens && ReasoningOutputTokens == o.ReasoningOutputTokens &&
        ToolCalls == o.ToolCalls && ToolResults == o.ToolResults && ToolErrors == o.ToolErrors;
}

/// <summary>File and record counts of one provider. Fields that do not apply to a provider stay 0.</summary>
public sealed class ProviderCounts
{
    /// <summary>JSONL files (Claude: session files + subagent files; Codex: rollout files).</summary>
    public long Files { get; set; }

    /// <summary>Sessions: Claude top-level session files, Codex rollout files.</summary>
    public long Sessions { get; set; }

    /// <summary>Claude sessions that replay an older session's prefix (same message ids, new session id).</summary>
    public long ResumedSessions { get; set; }

    public long SubagentFiles { get; set; }

    /// <summary>Subagent <c>agent-&lt;id&gt;.meta.json</c> files.</summary>
    public long MetaFiles { get; set; }

    public long Lines { get; set; }

    /// <summary>Bytes of the JSONL files.</summary>
    public long Bytes { get; set; }

    /// <summary>Bytes of the meta files.</summary>
    public long MetaBytes { get; set; }

    /// <summary>
    /// Model-written records: Claude <c>type:"assistant"</c> lines (split lines and synthetic ones
    /// included); Codex <c>response_item</c> reasoning, assistant message, function_call and custom_tool_call lines.
    /// </summary>
    public long AssistantRecords { get; set; }

    /// <summary>Claude <c>&lt;synthetic&gt;</c> API-error assistant lines.</summary>
    public long SyntheticRecords { get; set; }

    /// <summary>Claude compact_boundary rows; Codex <c>compacted</c> records.</summary>
    public long Compactions { get; set; }

    /// <summary>Steps whose cache read fell back to (at most) the shared system prefix.</summary>
    public long CacheMisses { get; set; }

    /// <summary>Claude Bash results of more than 100 KB, ending with a <c>[truncated]</c> marker.</summary>
    public long HugeToolResults { get; set; }

    /// <summary>Codex token_count events with info and both usages (accepted + echoes).</summary>
    public long TokenCountEvents { get; set; }

    /// <summary>Codex token_count events repeating the previous total_token_usage (must be ignored).</summary>
    public long DuplicateTokenCountEchoes { get; set; }

    /// <summary>Codex token_count events with <c>info: null</c> (must be ignored).</summary>
    public long NullInfoTokenCounts { get; set; }

    public void Add(ProviderCounts o)
    {
        Files += o.Files;
        Sessions += o.Sessions;
        ResumedSessions += o.ResumedSessions;
        SubagentFiles += o.SubagentFiles;
        MetaFiles += o.MetaFiles;
        Lines += o.Lines;
        Bytes += o.Bytes;
        MetaBytes += o.MetaBytes;
        AssistantRecords += o.AssistantRecords;
        SyntheticRecords += o.SyntheticRecords;
        Compactions += o.Compactions;
        CacheMisses += o.CacheMisses;
        HugeToolResults += o.HugeToolResults;
        TokenCountEvents += o.TokenCountEvents;
        DuplicateTokenCountEchoes += o.DuplicateTokenCountEchoes;
        NullInfoTokenCounts += o.NullInfoTokenCounts;
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    NewLine = "\n",
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GroundTruth))]
internal sealed partial class GroundTruthJsonContext : JsonSerializerContext;
