using Tracelens.Model;

namespace Tracelens.Reports;

/// <summary>Steps per stop reason (how each model call ended), in a fixed order with every reason present.</summary>
internal sealed class StopReasonCounts
{
    /// <summary>Wire names, most common outcomes first; <c>none</c> is a call whose harness records no reason (Codex).</summary>
    public static readonly IReadOnlyList<string> Order =
    [
        StopReasons.WireName(StopReason.EndTurn), StopReasons.WireName(StopReason.ToolUse), StopReasons.WireName(StopReason.MaxTokens),
        StopReasons.WireName(StopReason.PauseTurn), StopReasons.WireName(StopReason.StopSequence), StopReasons.WireName(StopReason.Refusal),
        StopReasons.WireName(StopReason.Silent), StopReasons.WireName(null),
    ];

    private readonly long[] _steps = new long[Order.Count];

    public void Add(string? storedReason, long steps)
    {
        var reason = StopReasons.WireName(StopReasons.Parse(storedReason));
        for (var i = 0; i < Order.Count; i++)
        {
            if (Order[i] == reason)
            {
                _steps[i] += steps;
            }
        }
    }

    public IReadOnlyList<StopReasonCount> ToList() => [.. Order.Select((r, i) => new StopReasonCount(r, _steps[i]))];
}
