using System.CommandLine;
using System.Text.Json;
using Tracelens.Cli.Rendering;
using Tracelens.Reports;
using static Tracelens.Cli.Rendering.ReportFormat;

namespace Tracelens.Cli.Commands;

/// <summary>
/// <c>tracelens daily|weekly|monthly|session</c>: the reports ccusage users know, with ccusage's
/// JSON shape (<c>{daily: [{period, inputTokens, …, modelBreakdowns}], totals}</c>) and the same
/// totals on the same logs; unpriced models get a null cost instead of $0. A thin presenter over
/// <see cref="UsageReports.Usage"/>; the shape is documented in <c>src/Tracelens/Reports/README.md</c>.
/// </summary>
public static class PeriodReportCommand
{
    public static Command Build(CliIo io, string verb)
    {
        var (grouping, description) = verb switch
        {
            "daily" => (UsageGrouping.Day, "Tokens and cost per day (in --timezone), ccusage's daily report"),
            "weekly" => (UsageGrouping.Week, "Tokens and cost per week (Monday to Sunday), ccusage's weekly report"),
            "monthly" => (UsageGrouping.Month, "Tokens and cost per month, ccusage's monthly report"),
            "session" => (UsageGrouping.Session, "Tokens and cost per session (subagents rolled in), ccusage's session report"),
            _ => throw new ArgumentOutOfRangeException(nameof(verb), verb, null),
        };
        var options = new ReportOptions();
        var breakdown = new Option<bool>("--breakdown") { Description = "Also one line per model under each row" };
        var command = options.AddTo(new Command(verb, description) { breakdown });
        command.SetAction(parse => options.Run(io, verb, parse, ctx => Run(ctx, grouping, parse.GetValue(breakdown))));
        return command;
    }

    public static int Run(ReportContext ctx, UsageGrouping grouping, bool breakdown)
    {
        var report = ctx.Reports.Usage(ctx.Filter, grouping);
        WarnUnpriced(ctx.Io, ctx.Verb, report.UnpricedModels);
        if (ctx.Json)
        {
            JsonOutput.Write(ctx.Io.Out, j => WriteJson(j, ctx.Verb, report));
            return ExitCodes.Ok;
        }

        var io = ctx.Io;
        var filters = Filters(report.Filter);
        var isSession = grouping == UsageGrouping.Session;
        io.Out.WriteLine($"{Count(report.Rows.Count, KeyHeader(grouping))}, {Count(report.Total.Steps, "step")}{(filters.Length > 0 ? ", " + filters : string.Empty)} (times in {report.Filter.TimeZone.Id})");
        if (report.Rows.Count == 0)
        {
            return ExitCodes.Ok;
        }

        // A session row is wide (its id alone is ~45 characters): it leaves out the agent (the id's
        // prefix says it) and total tokens (the sum of the four before), which --json keeps.
        var table = new TextTable();
        table.AddColumn(new TextColumn(KeyHeader(grouping)).NoWrap());
        table.AddColumn(new TextColumn("models").NoWrap());
        foreach (var header in isSession ? ["input", "output", "cache write", "cache read", "cost"] : (string[])["input", "output", "cache write", "cache read", "total tokens", "cost"])
        {
            table.AddColumn(Right(header));
        }

        if (isSession)
        {
            table.AddColumn(new TextColumn("last activity").NoWrap());
        }

        foreach (var row in report.Rows)
        {
            var lastActivity = LocalTime(row.Usage.LastStartedAt, report.Filter.TimeZone);
            table.AddRow(Cells(isSession, row.Key, string.Join("\n", row.ByModel.Select(m => m.Model)), row.Usage, lastActivity));
            if (breakdown)
            {
                foreach (var (model, usage) in row.ByModel)
                {
                    table.AddRow(Cells(isSession, string.Empty, "  " + model, usage, string.Empty));
                }
            }
        }

        table.AddRow(Cells(isSession, "total", string.Empty, report.Total, string.Empty));
        table.Write(io);
        return ExitCodes.Ok;
    }

    private static string KeyHeader(UsageGrouping g) => g switch
    {
        UsageGrouping.Day => "day",
        UsageGrouping.Week => "week",
        UsageGrouping.Month => "month",
        _ => "session",
    };

    private static string[] Cells(bool isSession, string key, string models, PricedUsage u, string lastActivity)
    {
        var t = u.Tokens;
        return isSession
            ? [key, models, Count(t.Input), Count(t.BilledOutput), Count(t.CacheWrite), Count(t.CacheRead), Money(u), lastActivity]
            : [key, models, Count(t.Input), Count(t.BilledOutput), Count(t.CacheWrite), Count(t.CacheRead), Count(t.Total), Money(u)];
    }

    /// <summary>ccusage's shape, keys in a fixed order; <c>unpricedModels</c> is Tracelens's addition.</summary>
    private static void WriteJson(Utf8JsonWriter j, string verb, UsageReport report)
    {
        j.WriteStartObject();
        j.WriteStartArray(verb);
        foreach (var row in report.Rows)
        {
            j.WriteStartObject();
            j.WriteString("period", row.Key);
            j.WriteString("agent", report.GroupBy == UsageGrouping.Session ? string.Join(",", row.Usage.Providers) : "all");
            Tokens(j, row.Usage.Tokens);
            WriteUsd(j, "totalCost", row.Usage.Cost);
            j.WriteStartArray("modelsUsed");
            foreach (var model in row.ByModel)
            {
                j.WriteStringValue(model.Model);
            }

            j.WriteEndArray();
            j.WriteStartArray("modelBreakdowns");
            foreach (var (model, usage) in row.ByModel)
            {
                j.WriteStartObject();
                j.WriteString("modelName", model);
                Tokens(j, usage.Tokens);
                WriteUsd(j, "cost", usage.Cost);
                j.WriteEndObject();
            }

            j.WriteEndArray();
            j.WriteStartObject("metadata");
            if (report.GroupBy == UsageGrouping.Session)
            {
                j.WriteString("lastActivity", row.Usage.LastStartedAt);
                j.WriteString("project", row.Project);
                j.WriteNumber("subagentSessions", Math.Max(0, (row.Sessions ?? 1) - 1));
            }
            else
            {
                j.WriteStartArray("agents");
                foreach (var provider in row.Usage.Providers)
                {
                    j.WriteStringValue(provider);
                }

                j.WriteEndArray();
            }

            j.WriteEndObject();
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteStartObject("totals");
        Tokens(j, report.Total.Tokens);
        WriteUsd(j, "totalCost", report.Total.Cost);
        j.WriteEndObject();
        j.WriteStartArray("unpricedModels");
        foreach (var unpriced in report.UnpricedModels)
        {
            j.WriteStringValue(unpriced.Model);
        }

        j.WriteEndArray();
        j.WriteEndObject();
    }

    /// <summary>ccusage's token fields: fresh input, billed output, cache writes (5m + 1h), cache reads, and their sum.</summary>
    private static void Tokens(Utf8JsonWriter j, TokenCounts t)
    {
        j.WriteNumber("inputTokens", t.Input);
        j.WriteNumber("outputTokens", t.BilledOutput);
        j.WriteNumber("cacheCreationTokens", t.CacheWrite);
        j.WriteNumber("cacheReadTokens", t.CacheRead);
        j.WriteNumber("totalTokens", t.Total);
    }
}
