namespace Tracelens.Hotspots;

/// <summary>What to sort rollup rows by.</summary>
public enum HotspotRank
{
    /// <summary>Attributed cost, highest first (then bytes, then key).</summary>
    Cost,

    /// <summary>Raw output bytes, largest first (then cost, then key).</summary>
    Bytes,
}

/// <summary>Which rollup: files, exact shell commands, shell verbs, subagent types, MCP servers.</summary>
public enum HotspotDimension
{
    File,
    Bash,
    BashVerb,
    Subagent,
    Mcp,
}

/// <summary>
/// The tool calls of one file, shell command, shell verb, subagent type or MCP server, with the cost
/// attributed to them and the raw size of their results.
/// </summary>
public sealed class HotspotRow
{
    public required string Key { get; init; }
    public long Calls { get; internal set; }
    public decimal InitialTokens { get; internal set; }
    public decimal PersistenceTokens { get; internal set; }
    public long RidingTurns { get; internal set; }
    public decimal Cost { get; internal set; }

    /// <summary>Some of the cost was paid by unpriced steps and is not in <see cref="Cost"/>.</summary>
    public bool PartlyUnpriced { get; internal set; }

    public long OutputBytes { get; internal set; }
    public long MaxOutputBytes { get; internal set; }

    /// <summary>Calls whose result was cut (marker or configured length).</summary>
    public long TruncatedCount { get; internal set; }

    /// <summary>The first call's start (stored UTC text) and step index in its session (files).</summary>
    public string? FirstStartedAt { get; internal set; }

    public long? FirstRoundIndex { get; internal set; }

    /// <summary>Distinct commands (shell verbs).</summary>
    public long? DistinctCommands { get; internal set; }

    /// <summary>Top three commands by cost (shell verbs) or tool names by calls (MCP servers).</summary>
    public IReadOnlyList<string>? Examples { get; internal set; }

    public decimal AverageRidingTurns => Calls == 0 ? 0m : (decimal)RidingTurns / Calls;
}
