using System.CommandLine;
using Tracelens.Cli.Rendering;
using Tracelens.Reports;
using static Tracelens.Cli.Rendering.ReportFormat;

namespace Tracelens.Cli.Commands;

/// <summary>
/// <c>tracelens sessions</c>: sessions (subagents rolled in), latest activity first, with cost,
/// steps, duration, project and models. A thin presenter over <see cref="UsageReports.Sessions"/>.
/// </summary>
public static class SessionsCommand
{
    public static Command Build(CliIo io)
    {
        var options = new ReportOptions();
        var grep = new Option<string?>("--grep") { Description = "Only sessions whose id, project or a model contains this text (any case)" };
        var limit = new Option<int>("--limit") { Description = "Show at most this many sessions (default: 20)", DefaultValueFactory = _ => 20 };
        var command = options.AddTo(new Command("sessions", "List sessions, latest activity first: cost, steps, duration, project, models") { grep, limit });
        command.SetAction(parse =>
        {
            var max = parse.GetValue(limit);
            return options.Run(io, "sessions", parse, ctx => Run(ctx, parse.GetValue(grep), max),
                validate: () => _ = max >= 1 ? max : throw new ReportUsageException("--limit must be at least 1"));
        });
        return command;
    }

    public static int Run(ReportContext ctx, string? grep, int limit)
    {
        var list = ctx.Reports.Sessions(ctx.Filter, grep, limit);
        var zone = ctx.Filter.TimeZone;
        WarnUnpriced(ctx.Io, ctx.Verb, list.Sessions.SelectMany(s => s.Usage.UnpricedModels), list.Sessions.Sum(s => s.Usage.UnpricedSteps));
        if (ctx.Json)
        {
            JsonOutput.Write(ctx.Io.Out, j => ReportJson.WriteSessions(j, ctx.Filter, grep, limit, list));
            return ExitCodes.Ok;
        }

        var io = ctx.Io;
        if (list.Sessions.Count == 0)
        {
            io.Out.WriteLine("No sessions match.");
            return ExitCodes.Ok;
        }

        var table = new TextTable();
        table.AddColumn(new TextColumn("session").NoWrap());
        table.AddColumn(new TextColumn("project"));
        table.AddColumn(new TextColumn("models").NoWrap());
        table.AddColumn(Right("steps"));
        table.AddColumn(Right("duration"));
        table.AddColumn(new TextColumn("last seen").NoWrap());
        table.AddColumn(Right("cost"));
        foreach (var s in list.Sessions)
        {
            // Steps of subagents rolled in say so under the count (the table has no room for a column).
            var steps = Count(s.Usage.Steps) + (s.Subagents > 0 ? $"\n{Count(s.Subagents, "agent")}" : string.Empty);
            table.AddRow(s.SessionId, s.Project ?? "-", string.Join("\n", s.Usage.Models), steps,
                Duration(s.Duration), LocalTime(s.Usage.LastStartedAt, zone), Money(s.Usage));
        }

        table.Write(io);
        var filters = Filters(ctx.Filter);
        io.Out.WriteLine($"Showing {Count(list.Sessions.Count)} of {Count(list.Matched, "session")}{(filters.Length > 0 ? " (" + filters + ")" : string.Empty)}, times in {zone.Id}"
                         + (list.Truncated ? "; --limit shows more." : "."));
        io.Out.WriteLine("Details of one: tracelens summary --session ID");
        return ExitCodes.Ok;
    }
}
