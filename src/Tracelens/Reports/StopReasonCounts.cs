using Tracelens.Model;

namespace Tracelens.Reports;

/// <summary>Steps per stop reason (how each model call ended), in a fixed order with every reason present.</summary>
internal sealed class StopReasonCounts
{
    /// <summary>Wire names, most common outcomes first; <c>none</c> is a call whose harness records no reason (Codex).</summary>
    public static readonly IReadOnlyList<string> Order =
    [
        .. new StopReason?[]
        {
            StopReason.EndTurn, StopReason.ToolUse, StopReason.MaxTokens, StopReason.PauseTurn,
            StopReason.StopSequence, StopReason.Refusal, StopReason.Silent, null,
        }.Select(StopReasons.WireName),
    ];

    private readonly Dictionary<string, long> _steps = Order.ToDictionary(r => r, _ => 0L, StringComparer.Ordinal);

    public void Add(string? storedReason, long steps) => _steps[StopReasons.WireName(StopReasons.Parse(storedReason))] += steps;

    public IReadOnlyList<(string Reason, long Steps)> ToList() => [.. Order.Select(r => (r, _steps[r]))];
}
