using System.CommandLine;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Tracelens.Cli.Rendering;
using Tracelens.Ledger;
using Tracelens.Pricing;
using Tracelens.Reports;
using Tracelens.Web;

namespace Tracelens.Cli.Commands;

/// <summary>
/// <c>tracelens serve</c>: the local web dashboard (<c>src/Tracelens.Web</c>) over the ledger, on
/// 127.0.0.1 only. Ingests first, as every report does, unless <c>--no-ingest</c>; prints the URL
/// on stdout; Ctrl+C (or SIGTERM) stops it cleanly.
/// </summary>
public static class ServeCommand
{
    public static Command Build(CliIo io)
    {
        var port = new Option<int?>("--port") { Description = "Port on 127.0.0.1 (default: a free one)" };
        var open = new Option<bool>("--open") { Description = "Open the dashboard in the default browser" };
        var ledger = new Option<string?>("--ledger") { Description = "Ledger file (default: $TRACELENS_HOME/ledger.db or ~/.tracelens/ledger.db)" };
        var home = new Option<string?>("--home") { Description = "Home directory whose logs are ingested first (default: $HOME)" };
        var noIngest = new Option<bool>("--no-ingest") { Description = "Serve the ledger as it is, without reading new or changed logs first" };
        var prices = new Option<string?>("--prices") { Description = "Price override file (default: $TRACELENS_HOME/prices.json or ~/.tracelens/prices.json, when it exists)" };
        var command = new Command("serve", "The local web dashboard on 127.0.0.1: overview, sessions, hotspots, experiments (Ctrl+C stops it)")
        {
            port, open, ledger, home, noIngest, prices,
        };
        command.SetAction(parse => Run(io, parse.GetValue(port), parse.GetValue(open), parse.GetValue(ledger), parse.GetValue(home), parse.GetValue(noIngest), parse.GetValue(prices)));
        return command;
    }

    public static int Run(CliIo io, int? port, bool open, string? ledgerPath, string? home, bool noIngest, string? pricesPath)
    {
        if (port is < 0 or > 65535)
        {
            io.Err.WriteLine($"tracelens serve: --port must be between 0 and 65535");
            return ExitCodes.Usage;
        }

        var path = LedgerPaths.Resolve(ledgerPath, io.Env, io.Home);
        TimeZoneInfo zone;
        try
        {
            zone = io.Env("TZ") is { Length: > 0 } tz ? ReportTime.FindZone(tz) : TimeZoneInfo.Local;
            // Read now so a bad override file fails here with its exit code, not in every request.
            _ = PriceBook.Open(pricesPath, io.Env, io.Home);
            if (noIngest)
            {
                if (!File.Exists(path))
                {
                    io.Err.WriteLine($"tracelens serve: no ledger at {path}; run `tracelens ingest` first, or leave out --no-ingest");
                    return ExitCodes.Failure;
                }
            }
            else
            {
                ReportOptions.Ingest(io, "serve", path, home ?? io.Home).Dispose();
            }
        }
        catch (TimeZoneNotFoundException e)
        {
            io.Err.WriteLine($"tracelens serve: TZ: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (PriceFileException e)
        {
            io.Err.WriteLine($"tracelens serve: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (LedgerException e)
        {
            io.Err.WriteLine($"tracelens serve: {e.Message}");
            return ExitCodes.LedgerError;
        }

        var app = DashboardApp.Build([], new DashboardOptions
        {
            LedgerPath = path,
            PricesPath = pricesPath,
            Home = io.Home,
            Env = io.Env,
            Port = port ?? 0,
            DefaultTimeZone = zone,
        });
        try
        {
            try
            {
                app.StartAsync(io.Cancellation).GetAwaiter().GetResult();
            }
            catch (IOException e)
            {
                io.Err.WriteLine($"tracelens serve: cannot listen on 127.0.0.1:{port}: {e.Message}");
                return ExitCodes.Failure;
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Ok;
            }

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var url = address.TrimEnd('/') + "/";
            io.Out.WriteLine(url);
            io.Out.Flush();
            io.Err.WriteLine("tracelens serve: the dashboard is on " + url + " (this machine only); Ctrl+C stops it");
            if (open)
            {
                OpenBrowser(io, url);
            }

            try
            {
                Task.Delay(Timeout.Infinite, io.Cancellation).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: the way a server is meant to end.
            }

            app.StopAsync().GetAwaiter().GetResult();
            return ExitCodes.Ok;
        }
        finally
        {
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static void OpenBrowser(CliIo io, string url)
    {
        var opener = OperatingSystem.IsMacOS() ? "open" : OperatingSystem.IsWindows() ? "explorer" : "xdg-open";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(opener, url) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true });
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            io.Err.WriteLine($"tracelens serve: warning: could not open a browser ({opener}: {e.Message}); open {url} yourself");
        }
    }
}
