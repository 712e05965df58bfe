namespace Tracelens.Dashboard;

/// <summary>One session's steps in order, for the session page's timeline and step inspector.</summary>
public sealed record SessionTimeline(
    string SessionId,
    string Provider,
    string? Project,
    string? ParentSessionId,
    IReadOnlyList<string> Models,
    IReadOnlyList<TimelineStep> Steps,
    IReadOnlyList<SubagentRun> Subagents);

/// <summary>
/// One step: cached input (cache reads), fresh input (uncached input and cache writes), output,
/// and whether a user message (not a tool result) started it. <see cref="Counted"/> is false for a
/// replayed copy of a response counted in another session (reports leave it out).
/// </summary>
public sealed record TimelineStep(
    long RoundIndex,
    string? StartedAt,
    string? Model,
    long CachedInput,
    long FreshInput,
    long Output,
    long? Reasoning,
    bool UserInitiated,
    string? StopReason,
    bool Counted,
    decimal? CostUsd,
    IReadOnlyList<TimelineToolCall> ToolCalls);

/// <summary>A tool call of a step with its result's size and outcome.</summary>
public sealed record TimelineToolCall(
    string? Name,
    string? Target,
    long? OutputBytes,
    long? ResultChars,
    bool Truncated,
    bool IsError,
    long? LatencyMs);

/// <summary>A subagent transcript the session spawned.</summary>
public sealed record SubagentRun(string SessionId, string? SubagentType, long Steps);
