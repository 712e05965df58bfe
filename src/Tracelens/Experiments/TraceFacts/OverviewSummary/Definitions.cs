namespace Tracelens.Experiments.TraceFacts.OverviewSummary;

/// <summary>The definition texts TraceLab writes into every summary scope, verbatim (they are part of the output).</summary>
internal static class Definitions
{
    public const string DirectNewInput =
        "Direct new input tokens are provider-reported `newly_append_tokens`. Trigger-conditioned average_new_input_tokens_* fields use this direct new-append/cache-miss accounting.";

    public const string UserContextDelta =
        "For user-message-started rounds with a previous round in the same session: max(0, current total input tokens - previous total input tokens). This estimates prompt growth rather than provider cache-miss accounting.";

    public const string ToolResultContextDelta =
        "For tool-result-started rounds with a previous round in the same session: max(0, current total input tokens - previous total input tokens). This estimates prompt growth rather than provider cache-miss accounting.";

    public const string TotalInputGrowth =
        "For rounds with a previous round in the same session: current total input tokens - previous total input tokens, before clipping. total input tokens are prefix_tokens + newly_append_tokens. First rounds in a session are excluded.";

    public const string TotalContextIncrease =
        "Sum of positive same-session total-input deltas, before netting out zero or negative deltas. This counts total observed context growth across user- and tool-result-started rounds that have a previous round in the same session.";

    public const string Generation =
        "Sum over rounds from latest input event to last model-output event; this is observable trace time, not serving-engine internal decode time.";

    public const string InputToReasoningEnd =
        "Latest input event (`user_message` or `tool_result`) to the reasoning marker/end timestamp.";

    public const string HumanWait =
        "For each `user_message` event, the gap from the previous event of any type in the same session (including non-output events such as Codex `usage_report`); counts every user message, not only turn-triggering ones. Summed and percentiled per session over strictly-positive gaps.";

    public const string PostReasoningTpot =
        "TPOT-style decode estimate for rounds with positive exact `reasoning_output_tokens`: reasoning marker/end to last non-reasoning model-output event (`text` or `tool_call`), divided by visible/structured output tokens (`output_tokens - reasoning_output_tokens`). Values are null when exact reasoning-token accounting is unavailable.";

    public const string EstimatedTtft =
        "Residual estimate for rounds with positive exact `reasoning_output_tokens`: input_to_reasoning_end_time - reasoning_output_tokens * post_reasoning_tpot_estimate.average_decode_latency_seconds_per_token.";

    public const string Tools =
        "Tool-call totals are counted from tools[] entries. Effective latency uses tool_internal_latency_ms when available, otherwise tool_wall_latency_ms, otherwise latency_ms. Nonpositive latencies are counted separately and excluded from latency percentiles/totals to match the tool-latency distribution experiment. Totals are summed over tool calls, so parallel calls are additive.";
}
