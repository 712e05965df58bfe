using System.CommandLine;
using System.Globalization;
using Tracelens.Cli.Rendering;
using Tracelens.Collect;
using Tracelens.Ledger;

namespace Tracelens.Cli.Commands;

/// <summary><c>tracelens ingest</c> and <c>tracelens state status</c>: the incremental local ledger.</summary>
public static class LedgerCommands
{
    private static Option<string?> LedgerOption() => new("--ledger") { Description = "Ledger file (default: $TRACELENS_HOME/ledger.db or ~/.tracelens/ledger.db)" };

    public static Command BuildIngest(CliIo io)
    {
        var ledger = LedgerOption();
        var home = new Option<string?>("--home") { Description = "Home directory to scan (default: $HOME)" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (with --watch: one JSON object per line and pass)" };
        var watch = new Option<bool>("--watch") { Description = "Keep ingesting as logs change (file events, with a polling backstop) until Ctrl+C" };
        var poll = new Option<double>("--poll")
        {
            Description = "With --watch: seconds between passes when no file event arrives",
            DefaultValueFactory = _ => 10,
        };
        poll.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is not (>= 0.05 and <= 86_400))
            {
                result.AddError("--poll must be between 0.05 and 86400 seconds");
            }
        });
        var command = new Command("ingest", "Add new and changed session logs to the local ledger (unchanged files are only stat'ed)") { ledger, home, json, watch, poll };
        command.SetAction(parse => parse.GetValue(watch)
            ? Watch(io, parse.GetValue(ledger), parse.GetValue(home) ?? io.Home, parse.GetValue(json), TimeSpan.FromSeconds(parse.GetValue(poll)))
            : Ingest(io, parse.GetValue(ledger), parse.GetValue(home) ?? io.Home, parse.GetValue(json)));
        return command;
    }

    public static Command BuildImport(CliIo io)
    {
        var ledger = LedgerOption();
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var traces = new Argument<string[]>("trace") { Description = "TraceLab trace files: normalized or sanitized rows, .jsonl or .jsonl.gz", Arity = ArgumentArity.OneOrMore };
        var command = new Command("import", "Load TraceLab traces into the ledger (export --format tracelab writes them back byte for byte)") { traces, ledger, json };
        command.SetAction(parse => Import(io, parse.GetValue(ledger), parse.GetValue(traces)!, parse.GetValue(json)));
        return command;
    }

    private static int Import(CliIo io, string? ledgerPath, string[] traces, bool json)
    {
        var path = LedgerPaths.Resolve(ledgerPath, io.Env, io.Home);
        var reports = new List<ImportReport>();
        try
        {
            using var ledger = LedgerDatabase.Open(path);
            using var progress = new ProgressLine(io, "import");
            foreach (var trace in traces)
            {
                try
                {
                    reports.Add(new TraceImporter(ledger) { Progress = rows => progress.Report(rows, 0, 0), BulkLoadMinimumSteps = BulkLoadMinimumSteps(io) }.Import(trace));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    // Traces imported before this one stay; this one stored nothing.
                    // The importer's messages name the file (and line when there is one).
                    return FailInput(io, json, e.Message);
                }
            }
        }
        catch (LedgerException e)
        {
            return Fail(io, json, "ledger-error", e.Message);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            return Fail(io, json, "ledger-error", $"{path}: {e.Message}");
        }

        var inv = CultureInfo.InvariantCulture;
        if (json)
        {
            JsonOutput.Write(io.Out, j =>
            {
                j.WriteStartObject();
                j.WriteString("ledger", path);
                j.WriteStartArray("traces");
                foreach (var r in reports)
                {
                    j.WriteStartObject();
                    j.WriteString("path", r.Path);
                    j.WriteBoolean("unchanged", r.Unchanged);
                    j.WriteNumber("rows", r.Rows);
                    j.WriteNumber("steps_added", r.StepsAdded);
                    j.WriteNumber("steps_replaced", r.StepsReplaced);
                    j.WriteNumber("duplicate_steps", r.DuplicateSteps);
                    j.WriteNumber("rows_with_unknown_keys", r.RowsWithUnknownKeys);
                    j.WriteNumber("skipped_lines", r.Diagnostics.TotalSkipped);
                    j.WriteEndObject();
                }

                j.WriteEndArray();
                j.WriteEndObject();
            });
            return ExitCodes.Ok;
        }

        io.Out.WriteLine(string.Create(inv, $"Ledger: {path}"));
        foreach (var r in reports)
        {
            if (r.Unchanged)
            {
                io.Out.WriteLine(string.Create(inv, $"{r.Path}: unchanged since its last import"));
                continue;
            }

            io.Out.WriteLine(string.Create(inv, $"{r.Path}: {r.Rows:N0} rows, {r.StepsAdded:N0} steps added ({r.StepsReplaced:N0} replaced, {r.DuplicateSteps:N0} already in the ledger), skipped lines: {r.Diagnostics.TotalSkipped:N0}"));
            foreach (var e in r.Diagnostics.Examples.Take(10))
            {
                io.Out.WriteLine(string.Create(inv, $"  {e.File}:{e.Line}: {e.Reason}"));
            }

            if (r.RowsWithUnknownKeys > 0)
            {
                io.Err.WriteLine(string.Create(inv, $"tracelens: {r.Path}: {r.RowsWithUnknownKeys:N0} rows had keys outside TraceLab's schema; they were imported without them, so export will not reproduce those rows exactly"));
            }
        }

        return ExitCodes.Ok;
    }

    private static int FailInput(CliIo io, bool json, string message)
    {
        if (json)
        {
            JsonOutput.WriteError(io.Out, "input-error", message);
        }
        else
        {
            io.Err.WriteLine($"tracelens: {message}");
        }

        return ExitCodes.Failure;
    }

    public static Command BuildExport(CliIo io)
    {
        var ledger = LedgerOption();
        var format = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "tracelab" };
        format.AcceptOnlyFromAmong("tracelab");
        var output = new Option<string>("--output", "-o") { Description = "File to write (.jsonl or .jsonl.gz)", Required = true };
        var sanitize = new Option<bool>("--sanitize") { Description = "Pseudonymize and strip paths, user names and tool inputs (keyed, with this installation's secret)" };
        var command = new Command("export", "Write the ledger's steps as TraceLab normalized rows") { ledger, format, output, sanitize };
        command.SetAction(parse => Export(io, parse.GetValue(ledger), parse.GetValue(output)!, parse.GetValue(sanitize)));
        return command;
    }

    private static int Export(CliIo io, string? ledgerPath, string output, bool sanitize)
    {
        var path = LedgerPaths.Resolve(ledgerPath, io.Env, io.Home);
        if (!File.Exists(path))
        {
            io.Err.WriteLine($"tracelens export: no ledger at {path}; run `tracelens ingest` first.");
            return ExitCodes.Failure;
        }

        var full = Path.GetFullPath(output);
        if (!Directory.Exists(Path.GetDirectoryName(full)))
        {
            io.Err.WriteLine($"tracelens export: cannot write {output}: the folder {Path.GetDirectoryName(full)} does not exist");
            return ExitCodes.OutputError;
        }

        var rowsPath = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.rows.tmp");
        try
        {
            long rows = 0;
            using (var ledger = LedgerDatabase.Open(path))
            using (var stream = Tracelens.Export.TraceLabRowWriter.OpenOutput(rowsPath, gzip: !sanitize && full.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)))
            {
                var steps = new LedgerReader(ledger).Steps().Select(s =>
                {
                    rows++;
                    return s;
                });
                Tracelens.Export.TraceLabRowWriter.WriteAll(stream, steps);
            }

            if (!sanitize)
            {
                File.Move(rowsPath, full, overwrite: true);
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Exported {rows:N0} rows to {output}."));
                return ExitCodes.Ok;
            }

            // Sanitized exports go through the sanitizer and its leak gate, like `tracelens sanitize`.
            var code = SanitizeCommand.Run(io, rowsPath, output, compat: null, seed: null, json: false);
            return code;
        }
        catch (LedgerException e)
        {
            io.Err.WriteLine($"tracelens export: {e.Message}");
            return ExitCodes.LedgerError;
        }
        catch (IOException e)
        {
            io.Err.WriteLine($"tracelens export: cannot write {output}: {e.Message}");
            return ExitCodes.OutputError;
        }
        finally
        {
            if (File.Exists(rowsPath))
            {
                File.Delete(rowsPath);
            }
        }
    }

    public static Command BuildState(CliIo io)
    {
        var ledger = LedgerOption();
        var json = new Option<bool>("--json") { Description = "Print the status as JSON" };
        var status = new Command("status", "Show the ledger's path, schema version, row counts and sources") { ledger, json };
        status.SetAction(parse => Status(io, parse.GetValue(ledger), parse.GetValue(json)));

        var rebuildLedger = LedgerOption();
        var rebuildHome = new Option<string?>("--home") { Description = "Home directory to scan (default: $HOME)" };
        var rebuildJson = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var rebuild = new Command("rebuild", "Re-read every session log into the ledger (rows are replaced file by file; nothing is lost if interrupted)")
        {
            rebuildLedger, rebuildHome, rebuildJson,
        };
        rebuild.SetAction(parse => Ingest(io, parse.GetValue(rebuildLedger), parse.GetValue(rebuildHome) ?? io.Home, parse.GetValue(rebuildJson), rebuildAll: true));

        var resetLedger = LedgerOption();
        var force = new Option<bool>("--force") { Description = "Really delete the ledger (without it, only say what would be deleted)" };
        var reset = new Command("reset", "Delete the ledger file (a dry run unless --force)") { resetLedger, force };
        reset.SetAction(parse => Reset(io, parse.GetValue(resetLedger), parse.GetValue(force)));
        return new Command("state", "Inspect and maintain the local ledger") { status, rebuild, reset };
    }

    private static int Reset(CliIo io, string? ledgerPath, bool force)
    {
        var path = LedgerPaths.Resolve(ledgerPath, io.Env, io.Home);
        var files = new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists).ToList();
        if (files.Count == 0)
        {
            io.Out.WriteLine($"No ledger at {path}; nothing to delete.");
            return ExitCodes.Ok;
        }

        if (!force)
        {
            io.Out.WriteLine("Dry run: would delete");
            foreach (var f in files)
            {
                io.Out.WriteLine($"  {f}");
            }

            io.Out.WriteLine("Run again with --force to delete. Your session logs are never touched.");
            return ExitCodes.Ok;
        }

        foreach (var f in files)
        {
            File.Delete(f);
        }

        io.Out.WriteLine($"Deleted the ledger at {path}. Run `tracelens ingest` to build it again from your session logs.");
        return ExitCodes.Ok;
    }

    /// <summary>
    /// <c>TRACELENS_BULK_LOAD_MIN_STEPS</c>: from how many rows an import counts as a bulk load
    /// (Ledger/README.md); tests lower it to crash small imports on that path.
    /// </summary>
    private static long BulkLoadMinimumSteps(CliIo io) =>
        long.TryParse(io.Env("TRACELENS_BULK_LOAD_MIN_STEPS"), System.Globalization.NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : TraceImporter.DefaultBulkLoadMinimumSteps;

    /// <summary>
    /// An ingestor reporting to <paramref name="progress"/>. <c>TRACELENS_FIRST_LOAD_MIN_BYTES</c>:
    /// from how many bytes to read into an empty ledger an ingest is a first load (Ledger/README.md);
    /// tests lower it to run small histories, and crash them, on that path.
    /// </summary>
    internal static Ingestor NewIngestor(CliIo io, LedgerDatabase ledger, ProgressLine progress) => new(ledger)
    {
        Progress = (done, total, bytes) => progress.Report(done, total, bytes),
        FirstLoadMinBytes = long.TryParse(io.Env("TRACELENS_FIRST_LOAD_MIN_BYTES"), System.Globalization.NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : Ingestor.DefaultFirstLoadMinBytes,
    };

    private static int Ingest(CliIo io, string? ledgerPath, string home, bool json, bool rebuildAll = false)
    {
        var path = LedgerPaths.Resolve(ledgerPath, io.Env, io.Home);
        var discovery = io.Discovery(home);
        var discovered = Ingestor.StartDiscovery(discovery);
        try
        {
            using var ledger = LedgerDatabase.Open(path);
            using var progress = new ProgressLine(io, "ingest");
            var ingestor = NewIngestor(io, ledger, progress);
            if (rebuildAll)
            {
                ingestor.ForgetFingerprints();
            }

            var report = ingestor.Run(discovery, discovered);
            PrintReport(io, path, report, json);
            return ExitCodes.Ok;
        }
        catch (LedgerException e)
        {
            return Fail(io, json, "ledger-error", e.Message);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            // Busy beyond the timeout, disk full, read-only file: nothing half-written stays (the
            // open transaction rolls back); the message says what SQLite saw.
            return Fail(io, json, "ledger-error", $"{path}: {e.Message}");
        }
    }

    private static void PrintReport(CliIo io, string path, IngestReport report, bool json, bool oneLine = false)
    {
        if (json)
        {
            void Body(System.Text.Json.Utf8JsonWriter j)
            {
                j.WriteStartObject();
                if (oneLine)
                {
                    j.WriteString("at", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                }

                j.WriteString("ledger", path);
                j.WriteNumber("files_seen", report.FilesSeen);
                j.WriteNumber("files_unchanged", report.FilesUnchanged);
                j.WriteNumber("files_read", report.FilesRead);
                j.WriteNumber("files_resumed", report.FilesResumed);
                j.WriteNumber("steps_added", report.StepsAdded);
                j.WriteNumber("steps_replaced", report.StepsReplaced);
                j.WriteNumber("duplicate_steps", report.DuplicateSteps);
                j.WriteNumber("skipped_lines", report.Diagnostics.TotalSkipped);
                j.WriteString("load", report.Load == IngestLoad.FirstLoad ? "first_load" : "incremental");
                j.WriteEndObject();
            }

            if (oneLine)
            {
                JsonOutput.WriteLine(io.Out, Body);
            }
            else
            {
                JsonOutput.Write(io.Out, Body);
            }

            return;
        }

        var inv = CultureInfo.InvariantCulture;
        if (oneLine)
        {
            io.Out.WriteLine(string.Create(inv, $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}  {report.FilesRead:N0} files read ({report.FilesResumed:N0} resumed): {report.StepsAdded:N0} steps added, {report.StepsReplaced:N0} replaced, {report.Diagnostics.TotalSkipped:N0} lines skipped"));
        }
        else
        {
            io.Out.WriteLine(string.Create(inv, $"Ledger: {path}"));
            io.Out.WriteLine(string.Create(inv, $"Files: {report.FilesSeen:N0} seen, {report.FilesRead:N0} read ({report.FilesResumed:N0} resumed at their checkpoint), {report.FilesUnchanged:N0} unchanged"));
            io.Out.WriteLine(string.Create(inv, $"Steps: {report.StepsAdded:N0} added ({report.StepsReplaced:N0} replaced from changed files, {report.DuplicateSteps:N0} duplicates kept once)"));
            io.Out.WriteLine(string.Create(inv, $"Skipped lines: {report.Diagnostics.TotalSkipped:N0}"));
        }

        foreach (var e in report.Diagnostics.Examples.Take(10))
        {
            io.Out.WriteLine(string.Create(inv, $"  {e.File}:{e.Line}: {e.Reason}"));
        }

        io.Out.Flush();
    }

    /// <summary>
    /// <c>ingest --watch</c>: the first pass prints the full report, later passes one line each
    /// (only when they read something); ends with exit 0 on Ctrl+C or SIGTERM.
    /// </summary>
    private static int Watch(CliIo io, string? ledgerPath, string home, bool json, TimeSpan poll)
    {
        var path = LedgerPaths.Resolve(ledgerPath, io.Env, io.Home);
        var discovery = io.Discovery(home);
        try
        {
            using var ledger = LedgerDatabase.Open(path);
            var passes = 0;
            var watcher = new LedgerWatcher(ledger, discovery)
            {
                PollInterval = poll,
                Ingested = report =>
                {
                    if (passes++ == 0)
                    {
                        PrintReport(io, path, report, json);
                        if (!json)
                        {
                            io.Err.WriteLine("tracelens: watching for changes (Ctrl+C to stop)");
                        }
                    }
                    else if (report.FilesRead > 0)
                    {
                        PrintReport(io, path, report, json, oneLine: true);
                    }
                },
                Notice = message => io.Err.WriteLine($"tracelens: {message}"),
            };
            watcher.Run(io.Cancellation);
            return ExitCodes.Ok;
        }
        catch (LedgerException e)
        {
            return Fail(io, json, "ledger-error", e.Message);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            return Fail(io, json, "ledger-error", $"{path}: {e.Message}");
        }
    }

    private static int Status(CliIo io, string? ledgerPath, bool json)
    {
        var path = LedgerPaths.Resolve(ledgerPath, io.Env, io.Home);
        if (!File.Exists(path))
        {
            if (json)
            {
                JsonOutput.Write(io.Out, j =>
                {
                    j.WriteStartObject();
                    j.WriteString("ledger", path);
                    j.WriteBoolean("exists", false);
                    j.WriteEndObject();
                });
            }
            else
            {
                io.Out.WriteLine($"No ledger at {path} yet. Run `tracelens ingest` to create it.");
            }

            return ExitCodes.Ok;
        }

        try
        {
            using var ledger = LedgerDatabase.Open(path);
            var s = LedgerStatus.Read(ledger);
            if (json)
            {
                JsonOutput.Write(io.Out, j =>
                {
                    j.WriteStartObject();
                    j.WriteString("ledger", s.Path);
                    j.WriteBoolean("exists", true);
                    j.WriteNumber("schema_version", s.SchemaVersion);
                    j.WriteStartObject("rows");
                    foreach (var (table, rows) in s.Tables)
                    {
                        j.WriteNumber(table, rows);
                    }

                    j.WriteEndObject();
                    j.WriteStartArray("sources");
                    foreach (var (provider, files, steps) in s.Sources)
                    {
                        j.WriteStartObject();
                        j.WriteString("provider", provider);
                        j.WriteNumber("files", files);
                        j.WriteNumber("steps", steps);
                        j.WriteEndObject();
                    }

                    j.WriteEndArray();
                    if (s.LastIngestAt is null)
                    {
                        j.WriteNull("last_ingest_at");
                    }
                    else
                    {
                        j.WriteString("last_ingest_at", s.LastIngestAt);
                    }

                    j.WriteEndObject();
                });
            }
            else
            {
                var inv = CultureInfo.InvariantCulture;
                io.Out.WriteLine($"Ledger: {s.Path}");
                io.Out.WriteLine(string.Create(inv, $"Schema version: {s.SchemaVersion} (this Tracelens: {LedgerDatabase.LatestVersion})"));
                foreach (var (table, rows) in s.Tables)
                {
                    io.Out.WriteLine(string.Create(inv, $"  {table,-14} {rows,12:N0} rows"));
                }

                foreach (var (provider, files, steps) in s.Sources)
                {
                    io.Out.WriteLine(string.Create(inv, $"Source {provider}: {files:N0} files, {steps:N0} steps"));
                }

                io.Out.WriteLine($"Last ingest: {s.LastIngestAt ?? "never"}");
            }

            return ExitCodes.Ok;
        }
        catch (LedgerException e)
        {
            return Fail(io, json, "ledger-error", e.Message);
        }
    }

    private static int Fail(CliIo io, bool json, string code, string message)
    {
        if (json)
        {
            JsonOutput.WriteError(io.Out, code, message);
        }
        else
        {
            io.Err.WriteLine($"tracelens: {message}");
        }

        return ExitCodes.LedgerError;
    }
}
