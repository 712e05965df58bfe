namespace Tracelens.Reports;

/// <summary>What the rows of a <see cref="UsageReport"/> are keyed by.</summary>
public enum UsageGrouping
{
    /// <summary>The model name as recorded.</summary>
    Model,

    /// <summary>The harness: claude, codex, opencode.</summary>
    Provider,

    /// <summary>The working directory (or, without one, the harness's project name).</summary>
    Project,

    /// <summary>The local calendar day, <c>yyyy-MM-dd</c>.</summary>
    Day,

    /// <summary>The local week, keyed by its Monday, <c>yyyy-MM-dd</c>.</summary>
    Week,

    /// <summary>The local month, <c>yyyy-MM</c>.</summary>
    Month,

    /// <summary>The session, with the subagent sessions it spawned rolled in.</summary>
    Session,

    /// <summary>
    /// Each tool: the steps that called it at least once. A step that called several tools is in
    /// each of their rows, so rows overlap and do not add up to the total.
    /// </summary>
    Tool,

    /// <summary>The subagent type of the transcript a step belongs to; <c>(main)</c> for the main conversation.</summary>
    Subagent,
}

/// <summary>One row of a usage report: its key, its usage and that usage split by model.</summary>
public sealed class UsageRow
{
    /// <summary>Row key (model, day, project…); rows whose key is unknown say so in parentheses, e.g. <c>(no time)</c>.</summary>
    public required string Key { get; init; }

    public required PricedUsage Usage { get; init; }

    /// <summary>The row's usage per model name, in ordinal order.</summary>
    public required IReadOnlyList<ModelUsage> ByModel { get; init; }

    /// <summary>
    /// Distinct sessions in the row, where the grouping gives one: sessions of a project, sessions
    /// rolled into a session (itself and its subagents), subagent runs of a type. Null otherwise.
    /// </summary>
    public long? Sessions { get; init; }

    /// <summary>For a session row: its working directory or project name.</summary>
    public string? Project { get; init; }
}

/// <summary>A usage report: rows, the total, turn outcomes and the models without a price.</summary>
public sealed class UsageReport
{
    public required UsageGrouping GroupBy { get; init; }

    public required ReportFilter Filter { get; init; }

    /// <summary>Time groupings in time order; the others by cost (unpriced last), then tokens, then key.</summary>
    public required IReadOnlyList<UsageRow> Rows { get; init; }

    /// <summary>Every counted step the filter leaves, once (also for <see cref="UsageGrouping.Tool"/>).</summary>
    public required PricedUsage Total { get; init; }

    /// <summary>The total per model name, in ordinal order.</summary>
    public required IReadOnlyList<ModelUsage> ByModel { get; init; }

    /// <summary>Steps per stop reason: end-turn, tool-use, max-tokens, pause-turn, stop-sequence, refusal, silent, none (every one listed).</summary>
    public required IReadOnlyList<StopReasonCount> StopReasons { get; init; }

    /// <summary>Models no price resolves, with their steps and tokens (counted in every total; never priced at $0).</summary>
    public IEnumerable<ModelUsage> UnpricedModels => ByModel.Where(m => m.Usage.UnpricedSteps > 0);

    /// <summary>The usage of the model recorded as <paramref name="model"/>, or null when no step has it.</summary>
    public PricedUsage? ForModel(string model) => ByModel.FirstOrDefault(m => m.Model == model)?.Usage;
}
