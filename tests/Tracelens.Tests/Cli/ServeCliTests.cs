using System.Net;
using System.Net.Sockets;
using Tracelens.Tests.Reports;
using Xunit;

namespace Tracelens.Tests.Cli;

/// <summary><c>tracelens serve</c>: ingests, answers on 127.0.0.1, prints its URL, stops on Ctrl+C.</summary>
public sealed class ServeCliTests : IDisposable
{
    private readonly HandMadeHistory _history = new();

    public void Dispose() => _history.Dispose();

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Serve_ingests_answers_on_loopback_prints_its_url_and_stops_on_ctrl_c()
    {
        _history.Session("shop", "s1", new ClaudeCall("2026-01-05T10:00:00.000Z"), new ClaudeCall("2026-01-05T10:01:00.000Z"));
        var port = FreePort();
        using var stop = new CancellationTokenSource();
        var runner = new CliRunner { Home = _history.Home, Cancellation = stop.Token };
        var serving = Task.Run(() => runner.Run("serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        string? overview = null;
        for (var attempt = 0; attempt < 300 && overview is null && !serving.IsCompleted; attempt++)
        {
            try
            {
                overview = await client.GetStringAsync("api/overview?timezone=UTC");
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        stop.Cancel(); // Ctrl+C
        var result = await serving.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotNull(overview);
        Assert.Contains("\"steps\": 2,", overview, StringComparison.Ordinal); // the ingest ran before serving
        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"http://127.0.0.1:{port}/\n", result.Stdout);
        Assert.Contains("ingested 1 new or changed log file", result.Stderr, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync("api/version")); // stopped
    }

    [Fact]
    public void Serve_without_a_ledger_under_no_ingest_fails_with_exit_2()
    {
        var result = new CliRunner { Home = _history.Home }.Run("serve", "--no-ingest");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.StartsWith("tracelens serve: no ledger at ", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_history.LedgerPath));
    }

    [Fact]
    public void Serve_on_a_port_in_use_fails_with_exit_2_and_says_so()
    {
        _history.Session("shop", "s1", new ClaudeCall("2026-01-05T10:00:00.000Z"));
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var result = new CliRunner { Home = _history.Home }.Run("serve", "--port", port);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_refuses_a_port_out_of_range()
    {
        var result = new CliRunner { Home = _history.Home }.Run("serve", "--port", "70000", "--no-ingest");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--port must be between 0 and 65535", result.Stderr, StringComparison.Ordinal);
    }
}
