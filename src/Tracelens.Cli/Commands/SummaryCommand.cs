using System.CommandLine;
using Tracelens.Cli.Rendering;
using Tracelens.Reports;
using static Tracelens.Cli.Rendering.ReportFormat;

namespace Tracelens.Cli.Commands;

/// <summary>
/// <c>tracelens summary</c>: tokens and cost grouped by model (or provider, project, day, week,
/// month, session, tool, subagent), with turn outcomes and the models that have no price. A thin
/// presenter over <see cref="UsageReports.Usage"/>; JSON shape in <c>src/Tracelens/Reports/README.md</c>.
/// </summary>
public static class SummaryCommand
{
    private static readonly UsageGrouping[] Groupings =
    [
        UsageGrouping.Model, UsageGrouping.Provider, UsageGrouping.Project, UsageGrouping.Day, UsageGrouping.Week,
        UsageGrouping.Month, UsageGrouping.Session, UsageGrouping.Tool, UsageGrouping.Subagent,
    ];

    private static string GroupingNames => string.Join(", ", Groupings.Select(Name));

    public static Command Build(CliIo io)
    {
        var options = new ReportOptions();
        var by = new Option<string>("--by") { Description = $"Rows by: {GroupingNames} (default: model)", DefaultValueFactory = _ => "model" };
        var command = options.AddTo(new Command("summary", "Tokens and cost by model (or --by provider, project, day, week, month, session, tool, subagent), with turn outcomes") { by });
        command.SetAction(parse =>
        {
            var grouping = UsageGrouping.Model;
            return options.Run(io, "summary", parse, ctx => Run(ctx, grouping), validate: () => grouping = Parse(parse.GetValue(by)!));
        });
        return command;
    }

    /// <summary>The grouping's lower-case name, as <c>--by</c> takes it and JSON writes it.</summary>
    public static string Name(UsageGrouping g) => ReportJson.Name(g);

    private static UsageGrouping Parse(string by)
    {
        foreach (var g in Groupings)
        {
            if (string.Equals(Name(g), by.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return g;
            }
        }

        throw new ReportUsageException($"--by: '{by}' is not one of {GroupingNames}");
    }

    public static int Run(ReportContext ctx, UsageGrouping grouping)
    {
        var report = ctx.Reports.Usage(ctx.Filter, grouping);
        WarnUnpriced(ctx.Io, ctx.Verb, report.UnpricedModels);
        if (ctx.Json)
        {
            JsonOutput.Write(ctx.Io.Out, j => ReportJson.WriteSummary(j, report));
            return ExitCodes.Ok;
        }

        var io = ctx.Io;
        var filters = Filters(report.Filter);
        io.Out.WriteLine($"Usage by {Name(grouping)}: {Count(report.Total.Steps, "step")}{(filters.Length > 0 ? ", " + filters : string.Empty)} (times in {report.Filter.TimeZone.Id})");
        if (report.Rows.Count == 0)
        {
            io.Out.WriteLine("No steps match.");
            return ExitCodes.Ok;
        }

        var extra = grouping switch
        {
            UsageGrouping.Tool => "calls",
            UsageGrouping.Subagent => "runs",
            UsageGrouping.Project or UsageGrouping.Session => "sessions",
            _ => null,
        };
        var table = new TextTable();
        table.AddColumn(new TextColumn(Name(grouping)));
        if (extra is not null)
        {
            table.AddColumn(Right(extra));
        }

        foreach (var header in (ReadOnlySpan<string>)["steps", "input", "output", "cache read", "write 5m", "write 1h", "reasoning", "cost"])
        {
            table.AddColumn(Right(header));
        }

        foreach (var row in report.Rows)
        {
            var extraCell = grouping == UsageGrouping.Tool ? Count(row.Usage.ToolCalls) : row.Sessions is { } s ? Count(s) : "-";
            table.AddRow(Cells(row.Key, extra is null ? null : extraCell, row.Usage));
        }

        table.AddRow(Cells(grouping == UsageGrouping.Tool ? "all steps" : "total", extra is null ? null : string.Empty, report.Total));
        table.Write(io);
        io.Out.WriteLine($"Turn outcomes: {StopReasons(report.StopReasons)}");
        if (grouping == UsageGrouping.Tool)
        {
            io.Out.WriteLine("A tool's row holds every step that called it, so a step that called several tools is in several rows.");
        }

        return ExitCodes.Ok;
    }

    private static string[] Cells(string key, string? extra, PricedUsage u)
    {
        var t = u.Tokens;
        string[] cells = [Count(u.Steps), Count(t.Input), Count(t.Output), Count(t.CacheRead), Count(t.CacheWrite5m), Count(t.CacheWrite1h), Count(t.Reasoning), Money(u)];
        return extra is null ? [key, .. cells] : [key, extra, .. cells];
    }
}
