using System.Text.Json;
using Tracelens.Reports;

namespace Tracelens.Hotspots;

/// <summary>
/// <c>hotspots --json</c> (shape in <c>Hotspots/README.md</c>), written once here so the CLI and the
/// dashboard's <c>/api/hotspots</c> give the same document for the same report.
/// </summary>
public static class HotspotJson
{
    /// <summary>Every table, in the order the CLI prints them.</summary>
    public static IReadOnlyList<HotspotDimension> Dimensions { get; } =
        [HotspotDimension.File, HotspotDimension.Bash, HotspotDimension.BashVerb, HotspotDimension.Subagent, HotspotDimension.Mcp];

    /// <summary>The dimension's name as <c>--group-by</c> takes it.</summary>
    public static string Name(HotspotDimension d) => d switch
    {
        HotspotDimension.File => "file",
        HotspotDimension.Bash => "bash",
        HotspotDimension.BashVerb => "bash-verb",
        HotspotDimension.Subagent => "subagent",
        _ => "mcp",
    };

    /// <summary>The dimension's array in JSON.</summary>
    private static string JsonName(HotspotDimension d) => d switch
    {
        HotspotDimension.File => "files",
        HotspotDimension.Bash => "bash",
        HotspotDimension.BashVerb => "bash_verbs",
        HotspotDimension.Subagent => "subagents",
        _ => "mcp_servers",
    };

    public static void Write(Utf8JsonWriter j, HotspotReport report, HotspotDimension? only, IReadOnlyList<HotspotDimension> dimensions, int limit)
    {
        j.WriteStartObject();
        j.WriteString("rank_by", report.RankBy == HotspotRank.Bytes ? "bytes" : "cost");
        if (only is { } d)
        {
            j.WriteString("group_by", Name(d));
        }
        else
        {
            j.WriteNull("group_by");
        }

        j.WriteNumber("limit", limit);
        ReportJson.WriteFilters(j, report.Filter);
        j.WriteNumber("steps", report.Steps);
        j.WriteNumber("sessions", report.Sessions.Count);
        j.WriteNumber("sessions_even_split", report.Sessions.Count(s => s.Method == AttributionMethod.EvenSplit));
        ReportJson.WriteUsd(j, "cost_usd", Round(report.GrandCost));
        ReportJson.WriteUsd(j, "attributed_usd", Round(report.AttributedCost));
        ReportJson.WriteUsd(j, "unattributed_usd", Round(report.UnattributedCost));
        j.WriteNumber("unpriced_steps", report.UnpricedSteps);
        j.WriteStartArray("unpriced_models");
        foreach (var m in report.UnpricedModels)
        {
            j.WriteStringValue(m);
        }

        j.WriteEndArray();
        j.WriteStartObject("bash_output_cap");
        j.WriteNumber("chars", report.ShellOutputCap.Chars);
        j.WriteString("source", report.ShellOutputCap.Path);
        j.WriteEndObject();
        foreach (var dimension in dimensions)
        {
            j.WriteStartArray(JsonName(dimension));
            var rows = report.Rows(dimension);
            foreach (var row in limit > 0 ? rows.Take(limit) : rows)
            {
                WriteRow(j, dimension, row);
            }

            j.WriteEndArray();
        }

        j.WriteEndObject();
    }

    private static void WriteRow(Utf8JsonWriter j, HotspotDimension d, HotspotRow row)
    {
        j.WriteStartObject();
        j.WriteString("key", row.Key);
        j.WriteNumber("calls", row.Calls);
        j.WriteNumber("initial_tokens", Math.Round(row.InitialTokens, MidpointRounding.ToEven));
        j.WriteNumber("persistence_tokens", Math.Round(row.PersistenceTokens, MidpointRounding.ToEven));
        j.WriteNumber("riding_turns", row.RidingTurns);
        ReportJson.WriteUsd(j, "cost_usd", Round(row.Cost));
        j.WriteBoolean("partly_unpriced", row.PartlyUnpriced);
        j.WriteNumber("output_bytes", row.OutputBytes);
        j.WriteNumber("max_output_bytes", row.MaxOutputBytes);
        j.WriteNumber("truncated", row.TruncatedCount);
        if (d == HotspotDimension.File)
        {
            j.WriteString("first_started_at", row.FirstStartedAt);
            if (row.FirstRoundIndex is { } first)
            {
                j.WriteNumber("first_round_index", first);
            }
            else
            {
                j.WriteNull("first_round_index");
            }
        }

        if (d == HotspotDimension.BashVerb)
        {
            j.WriteNumber("distinct_commands", row.DistinctCommands ?? 0);
            j.WriteNumber("avg_riding_turns", Math.Round(row.AverageRidingTurns, 2, MidpointRounding.ToEven));
        }

        if (d is HotspotDimension.BashVerb or HotspotDimension.Mcp)
        {
            j.WriteStartArray(d == HotspotDimension.Mcp ? "top_tools" : "examples");
            foreach (var e in row.Examples ?? [])
            {
                j.WriteStringValue(e);
            }

            j.WriteEndArray();
        }

        j.WriteEndObject();
    }

    /// <summary>Attributed shares divide exact amounts, so they can run to 28 digits; JSON keeps 10 decimals (a ten-billionth of a dollar).</summary>
    public static decimal Round(decimal usd) => Math.Round(usd, 10, MidpointRounding.ToEven);
}
