namespace Tracelens.Reports;

/// <summary>One session with the subagent sessions it spawned rolled in.</summary>
/// <param name="SessionId">The session id as stored (provider-prefixed, e.g. <c>claude:1f0e…</c>).</param>
/// <param name="Project">Its working directory, or its harness's project name; null when neither is recorded.</param>
/// <param name="Subagents">Subagent sessions rolled into it.</param>
public sealed record SessionSummary(string SessionId, string? Project, long Subagents, PricedUsage Usage)
{
    /// <summary>From its first step's start to its last step's start (null when either is unknown).</summary>
    public TimeSpan? Duration =>
        ReportTime.ParseStored(Usage.FirstStartedAt) is { } first && ReportTime.ParseStored(Usage.LastStartedAt) is { } last ? last - first : null;
}

/// <summary>The sessions a listing shows, and how many matched before the limit cut it.</summary>
public sealed record SessionList(IReadOnlyList<SessionSummary> Sessions, int Matched)
{
    public bool Truncated => Matched > Sessions.Count;
}

/// <summary>How a session listing is sorted; every order breaks ties by session id.</summary>
public enum SessionOrder
{
    /// <summary>Latest activity first (the CLI's order).</summary>
    Recent,

    /// <summary>Highest cost first, unpriced sessions last.</summary>
    Cost,

    /// <summary>Most steps first.</summary>
    Steps,

    /// <summary>Longest first-to-last-step span first.</summary>
    Duration,
}
