using System.CommandLine;
using Microsoft.Data.Sqlite;
using Tracelens.Cli.Rendering;
using Tracelens.Collect;
using Tracelens.Ledger;
using Tracelens.Model;
using Tracelens.Pricing;
using Tracelens.Reports;

namespace Tracelens.Cli.Commands;

/// <summary>A command line that is wrong in a way only the command can tell (a bad time, fewer than two models): exit 1.</summary>
public sealed class ReportUsageException(string message) : Exception(message);

/// <summary>What a report command runs with: the filter, the reports over the ledger, and how to print.</summary>
public sealed record ReportContext(CliIo Io, string Verb, ReportFilter Filter, UsageReports Reports, bool Json, LedgerDatabase Ledger, PriceBook Prices);

/// <summary>
/// The options every report shares (filters, time zone, ledger, ingest, prices, --json) and the
/// run around a report: parse the filter, bring the ledger up to date unless <c>--no-ingest</c>,
/// run the report, and turn each failure into its documented exit code (and the JSON error
/// envelope under <c>--json</c>).
/// </summary>
public sealed class ReportOptions
{
    private readonly Option<string?> _since = new("--since") { Description = "Only steps from this time on: 24h, 7d, 2w back from now, a date (2026-01-31, local midnight) or a timestamp" };
    private readonly Option<string?> _until = new("--until") { Description = "Only steps before this time; a date includes that whole day" };
    private readonly Option<string?> _project = new("--project") { Description = "Only this project: its working directory (/home/me/shop) or Claude project folder name" };
    private readonly Option<string?> _session = new("--session") { Description = "Only this session (with or without its provider prefix) and the subagents it spawned" };
    private readonly Option<string[]> _provider = new("--provider") { Description = "Only these harnesses: claude, codex, opencode (comma-separated or repeated)", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string?> _model = new("--model") { Description = "Only this model (a provider prefix or date suffix may differ: claude-sonnet-4-5 matches claude-sonnet-4-5-20250929)" };
    private readonly Option<string?> _timezone = new("--timezone") { Description = "IANA time zone for days, weeks and months (default: $TZ, else the system's)" };
    private readonly Option<bool> _noIngest = new("--no-ingest") { Description = "Report the ledger as it is, without reading new or changed logs first" };
    private readonly Option<string?> _ledger = new("--ledger") { Description = "Ledger file (default: $TRACELENS_HOME/ledger.db or ~/.tracelens/ledger.db)" };
    private readonly Option<string?> _home = new("--home") { Description = "Home directory whose logs are ingested first (default: $HOME)" };
    private readonly Option<string?> _prices = new("--prices") { Description = "Price override file (default: $TRACELENS_HOME/prices.json or ~/.tracelens/prices.json, when it exists)" };
    private readonly Option<bool> _json = new("--json") { Description = "Print JSON (shapes: src/Tracelens/Reports/README.md)" };

    /// <summary>Adds the shared options to <paramref name="command"/>.</summary>
    public Command AddTo(Command command)
    {
        foreach (var option in new Option[] { _since, _until, _project, _session, _provider, _model, _timezone, _noIngest, _ledger, _home, _prices, _json })
        {
            command.Options.Add(option);
        }

        return command;
    }

    /// <summary>
    /// Runs <paramref name="report"/> for <paramref name="verb"/> with the parsed options; returns the
    /// exit code. <paramref name="validate"/> checks the command's own arguments before anything is read.
    /// </summary>
    public int Run(CliIo io, string verb, ParseResult parse, Func<ReportContext, int> report, Action? validate = null)
    {
        var json = parse.GetValue(_json);
        try
        {
            validate?.Invoke();
            var filter = Filter(io, parse);
            var prices = PriceBook.Open(parse.GetValue(_prices), io.Env, io.Home);
            var path = LedgerPaths.Resolve(parse.GetValue(_ledger), io.Env, io.Home);
            if (parse.GetValue(_noIngest) && !File.Exists(path))
            {
                return Fail(io, verb, json, ExitCodes.Failure, "no-ledger", $"no ledger at {path}; run `tracelens ingest` first, or leave out --no-ingest");
            }

            using var ledger = parse.GetValue(_noIngest) ? LedgerDatabase.Open(path) : Ingest(io, verb, path, parse.GetValue(_home) ?? io.Home);
            ledger.MapForReading();
            return report(new ReportContext(io, verb, filter, new UsageReports(ledger, prices), json, ledger, prices));
        }
        catch (ReportUsageException e)
        {
            return Fail(io, verb, json, ExitCodes.Usage, "usage", e.Message);
        }
        catch (PriceFileException e)
        {
            return Fail(io, verb, json, ExitCodes.Failure, "bad-price-file", e.Message);
        }
        catch (LedgerException e)
        {
            return Fail(io, verb, json, ExitCodes.LedgerError, "ledger-error", e.Message);
        }
        catch (SqliteException e)
        {
            return Fail(io, verb, json, ExitCodes.LedgerError, "ledger-error", $"{LedgerPaths.Resolve(parse.GetValue(_ledger), io.Env, io.Home)}: {e.Message}");
        }
    }

    private ReportFilter Filter(CliIo io, ParseResult parse)
    {
        var zoneName = parse.GetValue(_timezone) ?? io.Env("TZ");
        TimeZoneInfo zone;
        try
        {
            zone = string.IsNullOrEmpty(zoneName) ? TimeZoneInfo.Local : ReportTime.FindZone(zoneName);
        }
        catch (TimeZoneNotFoundException e)
        {
            throw new ReportUsageException($"--timezone: {e.Message}");
        }

        var now = io.Clock.GetUtcNow();
        DateTimeOffset? Bound(Option<string?> option, bool isUntil)
        {
            if (parse.GetValue(option) is not { } text)
            {
                return null;
            }

            try
            {
                return ReportTime.ParseBound(text, isUntil, now, zone);
            }
            catch (FormatException e)
            {
                throw new ReportUsageException($"{option.Name}: {e.Message}");
            }
        }

        var providers = new List<Provider>();
        foreach (var name in (parse.GetValue(_provider) ?? []).SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            providers.Add(Providers.TryParse(name.ToLowerInvariant(), out var p) ? p : throw new ReportUsageException($"--provider: '{name}' is not claude, codex or opencode"));
        }

        var filter = new ReportFilter
        {
            Since = Bound(_since, isUntil: false),
            Until = Bound(_until, isUntil: true),
            Project = parse.GetValue(_project),
            Session = parse.GetValue(_session),
            Providers = providers,
            Model = parse.GetValue(_model),
            TimeZone = zone,
        };
        return filter.Since >= filter.Until ? throw new ReportUsageException("--since must be before --until") : filter;
    }

    /// <summary>Brings the ledger up to date with the logs under <paramref name="home"/> (progress on a terminal's stderr).</summary>
    internal static LedgerDatabase Ingest(CliIo io, string verb, string path, string home)
    {
        var discovery = io.Discovery(home);
        var discovered = Ingestor.StartDiscovery(discovery);
        var ledger = LedgerDatabase.Open(path);
        try
        {
            using var progress = new ProgressLine(io, "ingest");
            var report = LedgerCommands.NewIngestor(io, ledger, progress).Run(discovery, discovered);
            if (report.FilesRead > 0)
            {
                io.Err.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"tracelens {verb}: ingested {ReportFormat.Count(report.FilesRead, "new or changed log file")} ({ReportFormat.Count(report.StepsAdded, "step")})"));
            }

            return ledger;
        }
        catch
        {
            ledger.Dispose();
            throw;
        }
    }

    private static int Fail(CliIo io, string verb, bool json, int exitCode, string code, string message)
    {
        if (json)
        {
            JsonOutput.WriteError(io.Out, code, message);
        }
        else
        {
            io.Err.WriteLine($"tracelens {verb}: {message}");
        }

        return exitCode;
    }
}
