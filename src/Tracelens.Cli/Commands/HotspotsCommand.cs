using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Tracelens.Cli.Rendering;
using Tracelens.Hotspots;
using static Tracelens.Cli.Rendering.ReportFormat;

namespace Tracelens.Cli.Commands;

/// <summary>
/// <c>tracelens hotspots</c>: which files, shell commands, subagents and MCP servers the input
/// spending went to (cost attributed per tool call, or raw output bytes), or the waste findings
/// (<c>--findings</c>). A thin presenter over <see cref="HotspotAnalysis"/>; JSON shape in
/// <c>src/Tracelens/Hotspots/README.md</c>.
/// </summary>
public static class HotspotsCommand
{
    private static readonly HotspotDimension[] Dimensions =
        [HotspotDimension.File, HotspotDimension.Bash, HotspotDimension.BashVerb, HotspotDimension.Subagent, HotspotDimension.Mcp];

    public static Command Build(CliIo io)
    {
        var options = new ReportOptions();
        var rankBy = new Option<string>("--rank-by") { Description = "Sort rows by attributed cost or by raw output bytes: cost, bytes (default: cost)", DefaultValueFactory = _ => "cost" };
        var limit = new Option<int>("--limit") { Description = "Rows per table (default: 10; 0 shows every row)", DefaultValueFactory = _ => 10 };
        var findings = new Option<bool>("--findings") { Description = "Show waste findings (retry loops, failure runs, edit reverts, output bloat, unpriced usage) instead of tables" };
        var groupBy = new Option<string?>("--group-by") { Description = "Only one table: file, bash, bash-verb, subagent, mcp" };
        var command = options.AddTo(new Command("hotspots", "Where input cost went: files, shell commands, subagents, MCP servers (or --findings: waste patterns)")
        {
            rankBy, limit, findings, groupBy,
        });
        command.SetAction(parse =>
        {
            var rank = HotspotRank.Cost;
            HotspotDimension? only = null;
            var max = parse.GetValue(limit);
            var showFindings = parse.GetValue(findings);
            return options.Run(io, "hotspots", parse, ctx => showFindings ? RunFindings(ctx) : Run(ctx, rank, only, max), validate: () =>
            {
                rank = parse.GetValue(rankBy)!.Trim().ToLowerInvariant() switch
                {
                    "cost" => HotspotRank.Cost,
                    "bytes" => HotspotRank.Bytes,
                    var other => throw new ReportUsageException($"--rank-by: '{other}' is not cost or bytes"),
                };
                if (parse.GetValue(groupBy) is { } g)
                {
                    only = Array.Find(Dimensions, d => string.Equals(Name(d), g.Trim(), StringComparison.OrdinalIgnoreCase)) is var found && Name(found).Equals(g.Trim(), StringComparison.OrdinalIgnoreCase)
                        ? found
                        : throw new ReportUsageException($"--group-by: '{g}' is not one of {string.Join(", ", Dimensions.Select(Name))}");
                }

                if (max < 0)
                {
                    throw new ReportUsageException("--limit must be 0 (every row) or more");
                }

                if (showFindings && only is not null)
                {
                    throw new ReportUsageException("--findings cannot be combined with --group-by");
                }
            });
        });
        return command;
    }

    /// <summary>The dimension's name as <c>--group-by</c> takes it.</summary>
    public static string Name(HotspotDimension d) => HotspotJson.Name(d);

    public static int Run(ReportContext ctx, HotspotRank rank, HotspotDimension? only, int limit)
    {
        var report = new HotspotAnalysis(ctx.Ledger, ctx.Prices, ctx.Io.Home).Attribute(ctx.Filter, rank);
        WarnUnpriced(ctx.Io, ctx.Verb, report.UnpricedModels, report.UnpricedSteps);
        var dimensions = only is { } d ? [d] : Dimensions;
        if (ctx.Json)
        {
            JsonOutput.Write(ctx.Io.Out, j => HotspotJson.Write(j, report, only, dimensions, limit));
            return ExitCodes.Ok;
        }

        var io = ctx.Io;
        var filters = Filters(report.Filter);
        var evenSplit = report.Sessions.Count(s => s.Method == AttributionMethod.EvenSplit);
        io.Out.WriteLine($"Hotspots: {Count(report.Steps, "step")} in {Count(report.Sessions.Count, "session")}{(filters.Length > 0 ? ", " + filters : string.Empty)}, ranked by {(rank == HotspotRank.Bytes ? "output bytes" : "cost")}");
        if (report.Steps == 0)
        {
            io.Out.WriteLine("No steps match.");
            return ExitCodes.Ok;
        }

        io.Out.WriteLine($"Total {Money(report.GrandCost)}: attributed to tool calls {Money(report.AttributedCost)}, unattributed (output, reasoning, system prompt, untracked) {Money(report.UnattributedCost)}");
        if (evenSplit > 0)
        {
            io.Out.WriteLine($"{Count(evenSplit)} of {Count(report.Sessions.Count, "session")} made tool calls but recorded no result sizes: each step's new input is split evenly between the calls before it.");
        }

        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Bash results at {report.ShellOutputCap.Chars:N0} characters count as truncated ({report.ShellOutputCap.Path ?? "Claude Code's default"}; a project's .claude/settings.json may set another)."));
        foreach (var dimension in dimensions)
        {
            var rows = report.Rows(dimension);
            if (dimension == HotspotDimension.Mcp && rows.Count == 0 && only is null)
            {
                continue; // only shown when MCP tools were used
            }

            io.Out.WriteLine();
            io.Out.WriteLine($"{Title(dimension)} by {(rank == HotspotRank.Bytes ? "output bytes" : "cost")}{(limit > 0 && rows.Count > limit ? $" (top {limit} of {rows.Count})" : string.Empty)}");
            if (rows.Count == 0)
            {
                io.Out.WriteLine($"  (no {Title(dimension).ToLowerInvariant()} calls)");
                continue;
            }

            Table(dimension, limit > 0 ? rows.Take(limit) : rows).Write(io);
        }

        return ExitCodes.Ok;
    }

    private static string Title(HotspotDimension d) => d switch
    {
        HotspotDimension.File => "Files",
        HotspotDimension.Bash => "Shell commands",
        HotspotDimension.BashVerb => "Shell verbs",
        HotspotDimension.Subagent => "Subagent types",
        _ => "MCP servers",
    };

    private static TextTable Table(HotspotDimension d, IEnumerable<HotspotRow> rows)
    {
        var table = new TextTable();
        table.AddColumn(new TextColumn(d switch
        {
            HotspotDimension.File => "file",
            HotspotDimension.Bash => "command",
            HotspotDimension.BashVerb => "verb",
            HotspotDimension.Subagent => "subagent",
            _ => "server",
        }));
        var headers = d switch
        {
            HotspotDimension.File => new[] { "first step", "calls", "initial", "persist", "riding", "bytes", "cost" },
            HotspotDimension.BashVerb => ["calls", "commands", "initial", "persist", "avg ride", "bytes", "cost"],
            HotspotDimension.Mcp => ["calls", "initial", "persist", "riding", "bytes", "cost"],
            _ => ["calls", "initial", "persist", "bytes", "cost"],
        };
        foreach (var h in headers)
        {
            table.AddColumn(Right(h));
        }

        if (d is HotspotDimension.BashVerb or HotspotDimension.Mcp)
        {
            table.AddColumn(new TextColumn(d == HotspotDimension.Mcp ? "tools" : "examples"));
        }

        foreach (var row in rows)
        {
            var key = Cut(row.Key, d == HotspotDimension.File ? 60 : 50);
            string[] cells = d switch
            {
                HotspotDimension.File => [key, row.FirstRoundIndex?.ToString(CultureInfo.InvariantCulture) ?? "-", Count(row.Calls), Tokens(row.InitialTokens), Tokens(row.PersistenceTokens), Count(row.RidingTurns), Bytes(row), Cost(row)],
                HotspotDimension.BashVerb => [key, Count(row.Calls), Count(row.DistinctCommands ?? 0), Tokens(row.InitialTokens), Tokens(row.PersistenceTokens), row.AverageRidingTurns.ToString("0.0", CultureInfo.InvariantCulture), Bytes(row), Cost(row), Examples(row, 30, 70)],
                HotspotDimension.Mcp => [key, Count(row.Calls), Tokens(row.InitialTokens), Tokens(row.PersistenceTokens), Count(row.RidingTurns), Bytes(row), Cost(row), Examples(row, 40, 70)],
                _ => [key, Count(row.Calls), Tokens(row.InitialTokens), Tokens(row.PersistenceTokens), Bytes(row), Cost(row)],
            };
            table.AddRow(cells);
        }

        return table;
    }

    private static string Examples(HotspotRow row, int each, int all) => Cut(string.Join("; ", (row.Examples ?? []).Select(e => Cut(e, each))), all);

    private static string Cut(string text, int max)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= max ? line : line[..(max - 1)] + "…";
    }

    private static string Tokens(decimal tokens) => Count((long)Math.Round(tokens, MidpointRounding.ToEven));

    private static string Cost(HotspotRow row) => Money(row.Cost) + (row.PartlyUnpriced ? "*" : string.Empty);

    /// <summary>Raw output bytes in decimal units, marked when results were cut: <c>80.0 KB (truncated)</c>.</summary>
    public static string Bytes(HotspotRow row)
    {
        var size = ByteSize(row.OutputBytes);
        return row.TruncatedCount switch
        {
            0 => size,
            1 when row.Calls == 1 => size + " (truncated)",
            var n => $"{size} ({Count(n)} truncated)",
        };
    }

    public static string ByteSize(long bytes) => bytes switch
    {
        0 => "-",
        < 1_000 => bytes.ToString(CultureInfo.InvariantCulture) + " B",
        < 1_000_000 => (bytes / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + " KB",
        < 1_000_000_000 => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / 1e9).ToString("0.0", CultureInfo.InvariantCulture) + " GB",
    };

    /// <summary>Attributed shares divide exact amounts, so they can run to 28 digits; JSON keeps 10 decimals (a ten-billionth of a dollar).</summary>
    private static decimal Round(decimal usd) => HotspotJson.Round(usd);

    private static int RunFindings(ReportContext ctx)
    {
        var analysis = new HotspotAnalysis(ctx.Ledger, ctx.Prices, ctx.Io.Home);
        var report = analysis.Attribute(ctx.Filter, withInputs: true);
        WarnUnpriced(ctx.Io, ctx.Verb, report.UnpricedModels, report.UnpricedSteps);
        var findings = WasteFindings.Detect(report, ctx.Prices, analysis.Caps);
        if (ctx.Json)
        {
            JsonOutput.Write(ctx.Io.Out, j =>
            {
                j.WriteStartObject();
                WriteFilters(j, report.Filter);
                j.WriteNumber("steps", report.Steps);
                j.WriteNumber("sessions", report.Sessions.Count);
                j.WriteStartArray("findings");
                foreach (var f in findings)
                {
                    WriteFinding(j, f);
                }

                j.WriteEndArray();
                j.WriteEndObject();
            });
            return ExitCodes.Ok;
        }

        var io = ctx.Io;
        var filters = Filters(report.Filter);
        io.Out.WriteLine($"Findings: {Count(findings.Count, "finding")} over {Count(report.Steps, "step")} in {Count(report.Sessions.Count, "session")}{(filters.Length > 0 ? ", " + filters : string.Empty)}");
        if (findings.Count == 0)
        {
            return ExitCodes.Ok;
        }

        var table = new TextTable();
        table.AddColumn(new TextColumn("severity"));
        table.AddColumn(new TextColumn("kind"));
        table.AddColumn(new TextColumn("session"));
        table.AddColumn(Right("usd"));
        table.AddColumn(new TextColumn("title"));
        foreach (var f in findings)
        {
            var usd = f.Unpriced ? "unpriced" : f.Usd is { } v ? Money(v) : "-";
            table.AddRow(WasteFinding.Name(f.Severity), f.Kind, Cut(f.SessionId, 28), usd, Cut(f.Title, 80));
        }

        table.Write(io);
        return ExitCodes.Ok;
    }

    private static void WriteFinding(Utf8JsonWriter j, WasteFinding f)
    {
        j.WriteStartObject();
        j.WriteString("kind", f.Kind);
        j.WriteString("severity", WasteFinding.Name(f.Severity));
        j.WriteString("session_id", f.SessionId);
        j.WriteString("title", f.Title);
        j.WriteString("detail", f.Detail);
        j.WriteStartObject("estimated_savings");
        if (f.Tokens is { } tokens)
        {
            j.WriteNumber("tokens", tokens);
        }
        else
        {
            j.WriteNull("tokens");
        }

        WriteUsd(j, "usd", f.Usd is { } usd ? Round(usd) : null);
        j.WriteEndObject();
        j.WriteString("pricing_status", f.Unpriced ? "unpriced" : "priced");
        j.WriteStartArray("actions");
        foreach (var a in f.Actions)
        {
            j.WriteStartObject();
            j.WriteString("type", a.Type);
            j.WriteString("label", a.Label);
            j.WriteString("text", a.Text);
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteEndObject();
    }
}
