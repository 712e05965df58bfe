using Tracelens.Model;

namespace Tracelens.Reports;

/// <summary>
/// Which counted steps a report covers, and the time zone its days, weeks and months are cut in.
/// Every condition given must hold; an empty filter covers the whole ledger.
/// </summary>
public sealed record ReportFilter
{
    /// <summary>Steps that started at or after this instant.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Steps that started before this instant (exclusive: a date given as <c>--until</c> is turned into the next day's start).</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>The step's working directory or its harness's project name, exactly (<c>/home/me/shop</c> or <c>-home-me-shop</c>).</summary>
    public string? Project { get; init; }

    /// <summary>
    /// A session id, with or without its provider prefix (<c>claude:1f0e…</c> or <c>1f0e…</c>):
    /// that session and the subagent sessions it spawned.
    /// </summary>
    public string? Session { get; init; }

    /// <summary>Only these harnesses; empty means all.</summary>
    public IReadOnlyList<Provider> Providers { get; init; } = [];

    /// <summary>
    /// Only this model: the name as recorded, or any name that differs from it only by a provider
    /// path, a date suffix or <c>-latest</c> (<c>claude-sonnet-4-5</c> matches
    /// <c>claude-sonnet-4-5-20250929</c> and <c>anthropic/claude-sonnet-4-5</c>).
    /// </summary>
    public string? Model { get; init; }

    /// <summary>The zone day, week and month boundaries are computed in (steps are stored in UTC).</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;
}
