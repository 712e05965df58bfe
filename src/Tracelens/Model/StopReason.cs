namespace Tracelens.Model;

/// <summary>Why a model call ended, normalized across harnesses (burn's enum; burn-spec §3.3).</summary>
public enum StopReason
{
    EndTurn,
    MaxTokens,
    PauseTurn,
    StopSequence,
    ToolUse,
    Refusal,
    Silent,
}

public static class StopReasons
{
    /// <summary>
    /// Maps a raw harness value: trimmed, lower-cased, '_' → '-'; unknown strings are
    /// <see cref="StopReason.Silent"/>; a missing value is null (reported as "none").
    /// </summary>
    public static StopReason? Parse(string? raw)
    {
        if (raw is null)
        {
            return null;
        }

        var v = raw.Trim().ToLowerInvariant().Replace('_', '-');
        return v switch
        {
            "end-turn" or "stop" => StopReason.EndTurn,
            "max-tokens" or "length" => StopReason.MaxTokens,
            "pause-turn" => StopReason.PauseTurn,
            "stop-sequence" => StopReason.StopSequence,
            "tool-use" or "tool-calls" => StopReason.ToolUse,
            "refusal" => StopReason.Refusal,
            _ => StopReason.Silent,
        };
    }

    /// <summary>Wire name (kebab-case), or "none" for a missing reason.</summary>
    public static string WireName(StopReason? reason) => reason switch
    {
        null => "none",
        StopReason.EndTurn => "end-turn",
        StopReason.MaxTokens => "max-tokens",
        StopReason.PauseTurn => "pause-turn",
        StopReason.StopSequence => "stop-sequence",
        StopReason.ToolUse => "tool-use",
        StopReason.Refusal => "refusal",
        StopReason.Silent => "silent",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };
}
