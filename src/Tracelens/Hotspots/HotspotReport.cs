using Tracelens.Reports;

namespace Tracelens.Hotspots;

/// <summary>
/// Where a selection of sessions spent its input: per-session totals, the cost attributed to each
/// tool call, and the calls rolled up by file, shell command, shell verb, subagent type and MCP
/// server (every harness's tool names folded onto Claude's), sorted by <see cref="RankBy"/>.
/// </summary>
public sealed class HotspotReport
{
    public required ReportFilter Filter { get; init; }
    public required HotspotRank RankBy { get; init; }
    public required long Steps { get; init; }
    public required long UnpricedSteps { get; init; }
    public required IReadOnlyList<string> UnpricedModels { get; init; }
    public required IReadOnlyList<SessionAttribution> Sessions { get; init; }

    /// <summary>Every tool call in session order, with its attribution.</summary>
    public required IReadOnlyList<AttributedCall> Calls { get; init; }

    public required IReadOnlyList<HotspotRow> Files { get; init; }
    public required IReadOnlyList<HotspotRow> Bash { get; init; }
    public required IReadOnlyList<HotspotRow> BashVerbs { get; init; }
    public required IReadOnlyList<HotspotRow> Subagents { get; init; }
    public required IReadOnlyList<HotspotRow> McpServers { get; init; }

    /// <summary>The Bash output cap of the user settings, or Claude Code's default (per-project settings may differ).</summary>
    public required CapSetting ShellOutputCap { get; init; }

    public decimal GrandCost => Sessions.Sum(s => s.GrandCost);
    public decimal AttributedCost => Sessions.Sum(s => s.AttributedCost);
    public decimal UnattributedCost => GrandCost - AttributedCost;

    public IReadOnlyList<HotspotRow> Rows(HotspotDimension dimension) => dimension switch
    {
        HotspotDimension.File => Files,
        HotspotDimension.Bash => Bash,
        HotspotDimension.BashVerb => BashVerbs,
        HotspotDimension.Subagent => Subagents,
        _ => McpServers,
    };
}
