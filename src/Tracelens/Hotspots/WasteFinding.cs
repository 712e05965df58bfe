namespace Tracelens.Hotspots;

/// <summary>How much a finding matters, from its USD (burn-spec §4.5): ≥ $0.50 high, ≥ $0.05 warn, else info.</summary>
public enum FindingSeverity
{
    Info,
    Warn,
    High,
}

/// <summary>Something the user can do about a finding: a command to run, or text to paste.</summary>
public sealed record FindingAction(string Type, string Label, string Text);

/// <summary>
/// One waste finding in burn's envelope (burn-spec §4.5): what kind, how bad, in which session, the
/// estimated tokens and USD at stake, and what to do. <see cref="Usd"/> is null when the finding
/// touches unpriced steps (<see cref="Unpriced"/>) or has no cost of its own (a setting).
/// </summary>
public sealed class WasteFinding
{
    public required string Kind { get; init; }
    public required FindingSeverity Severity { get; init; }
    public required string SessionId { get; init; }
    public required string Title { get; init; }
    public required string Detail { get; set; }
    public long? Tokens { get; set; }
    public decimal? Usd { get; set; }
    public bool Unpriced { get; set; }
    public required IReadOnlyList<FindingAction> Actions { get; init; }

    public static FindingSeverity SeverityOf(decimal usd) => usd >= 0.5m ? FindingSeverity.High : usd >= 0.05m ? FindingSeverity.Warn : FindingSeverity.Info;

    public static string Name(FindingSeverity s) => s switch
    {
        FindingSeverity.High => "high",
        FindingSeverity.Warn => "warn",
        _ => "info",
    };
}
