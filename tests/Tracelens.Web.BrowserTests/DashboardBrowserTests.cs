using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Tracelens.Collect;
using Tracelens.Ledger;
using Tracelens.Pricing;
using Tracelens.Reports;
using Tracelens.Synth;
using Xunit;
using Xunit.Abstractions;

namespace Tracelens.Web.BrowserTests;

/// <summary>
/// The real server (Kestrel on a loopback port) over a generated ledger, in headless Chromium:
/// KPI tiles against the SDK, a session's timeline, hotspots by bytes, and a live reload after
/// another ingest. Screenshots go to <c>$TRACELENS_SCREENSHOTS</c>, else <c>TestResults/screenshots</c>
/// at the repository root.
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _home = Directory.CreateTempSubdirectory("tracelens-browser-").FullName;
    private WebApplication? _app;
    private ChromeDriver? _driver;
    private string _url = string.Empty;

    private string LedgerPath => Path.Combine(_home, "ledger.db");

    public async Task InitializeAsync()
    {
        if (!File.Exists(BrowserFactAttribute.Chromium) || !File.Exists(BrowserFactAttribute.ChromeDriver))
        {
            return; // the test is skipped
        }

        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = _home, Seed = 11, TargetAssistantRecords = 600, MaxDegreeOfParallelism = 1 });
        Ingest();
        _app = DashboardApp.Build([], new DashboardOptions { LedgerPath = LedgerPath, Home = _home, Port = 0, DefaultTimeZone = TimeZoneInfo.Utc });
        await _app.StartAsync();
        _url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(BrowserFactAttribute.ChromeDriver)!, Path.GetFileName(BrowserFactAttribute.ChromeDriver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = BrowserFactAttribute.Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,1000", "--hide-scrollbars");
        _driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        _driver?.Quit();
        _driver?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
            // a temp folder left behind is harmless
        }
    }

    private void Ingest()
    {
        var discovery = new DiscoveryOptions { Home = _home };
        using var ledger = LedgerDatabase.Open(LedgerPath);
        new Ingestor(ledger).Run(discovery, Ingestor.StartDiscovery(discovery));
    }

    private PricedUsage SdkTotal()
    {
        using var ledger = LedgerDatabase.Open(LedgerPath);
        return new UsageReports(ledger, PriceBook.Embedded).Usage(new ReportFilter(), UsageGrouping.Model).Total;
    }

    /// <summary>The Distributions page's charts, in page order (TraceLab spec §10.2).</summary>
    private static readonly string[] DistributionCharts =
    [
        "tool_latency_distribution", "tool_latency_by_category", "tool_call_counts", "prefix_append_scatter",
        "output_tokens", "generation_time_cdf", "cache_hit_ratio", "human_input_wait",
    ];

    private ChromeDriver Driver => _driver ?? throw new InvalidOperationException("no browser");

    /// <summary>Waits until the page says it drew <paramref name="view"/> (body[data-ready]).</summary>
    private void WaitReady(string view, int seconds = 20) =>
        new WebDriverWait(Driver, TimeSpan.FromSeconds(seconds)).Until(d =>
            d.FindElement(By.TagName("body")).GetAttribute("data-ready") is { } ready && (ready == view || ready == "error")
                ? ready == view ? true : throw new InvalidOperationException("the page shows an error: " + d.FindElement(By.Id("view")).Text)
                : false);

    private void Open(string hash, string view)
    {
        Driver.Navigate().GoToUrl(_url + hash);
        WaitReady(view);
    }

    /// <summary>
    /// Waits for a condition on elements the page re-renders while it is polled (the tiles after an
    /// ingest): an element replaced between being found and being read is polled again, not a failure.
    /// </summary>
    private void UntilRendered(Func<bool> condition)
    {
        var wait = new WebDriverWait(Driver, TimeSpan.FromSeconds(20));
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
        wait.Until(_ => condition());
    }

    private string Tile(string kpi) => Driver.FindElement(By.CssSelector($"[data-kpi='{kpi}']")).GetAttribute("data-value") ?? string.Empty;

    private void Screenshot(string name, int height = 1000)
    {
        Driver.Manage().Window.Size = new System.Drawing.Size(1400, height);
        Thread.Sleep(400); // charts resize on the window's resize event
        var folder = Environment.GetEnvironmentVariable("TRACELENS_SCREENSHOTS") is { Length: > 0 } dir ? dir : Path.Combine(RepoRoot(), "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        Driver.GetScreenshot().SaveAsFile(path);
        output.WriteLine("screenshot: " + path);
    }

    private static string RepoRoot([CallerFilePath] string thisFile = "")
    {
        var dir = Path.GetDirectoryName(thisFile);
        while (dir is not null && !File.Exists(Path.Combine(dir, "Tracelens.slnx")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? Directory.GetCurrentDirectory();
    }

    [BrowserFact]
    public void The_dashboard_shows_the_sdk_numbers_opens_a_session_ranks_hotspots_by_bytes_and_follows_ingests()
    {
        var total = SdkTotal();
        var inv = CultureInfo.InvariantCulture;

        // Overview: the tiles hold the SDK's totals.
        Open("#/overview", "overview");
        Assert.Equal(total.Steps.ToString(inv), Tile("steps"));
        Assert.Equal(total.Cost!.Value, decimal.Parse(Tile("cost"), NumberStyles.Float, inv));
        Assert.Equal((total.Tokens.Input + total.Tokens.CacheRead + total.Tokens.CacheWrite).ToString(inv), Tile("total-input"));
        Assert.Equal(total.Tokens.CacheRead.ToString(inv), Tile("cached-input"));
        Assert.Equal(total.Tokens.BilledOutput.ToString(inv), Tile("output"));
        Assert.Equal(8, Driver.FindElements(By.CssSelector("[data-kpi]")).Count);
        foreach (var chart in new[] { "calendar", "rhythm", "spend" })
        {
            Assert.NotEmpty(Driver.FindElements(By.CssSelector($"#{chart} canvas")));
        }

        Screenshot("overview", 2000);

        // Sessions → the longest one's timeline and a step in the inspector.
        Open("#/sessions", "sessions");
        Driver.FindElement(By.CssSelector("#session-sort option[value='steps']")).Click();
        WaitReady("sessions");
        var rows = Driver.FindElements(By.CssSelector(".session-row"));
        Assert.True(rows.Count > 5, "the session list should show the generated sessions");
        Screenshot("sessions", 1200);
        var sessionId = rows[0].GetAttribute("data-session");
        rows[0].Click();
        WaitReady("session");
        Assert.Contains(sessionId!, Driver.FindElement(By.CssSelector("main h2")).Text, StringComparison.Ordinal);
        var timeline = Driver.FindElement(By.CssSelector("#timeline canvas"));
        Assert.True(timeline.Size.Width > 300 && timeline.Size.Height > 200, "the timeline chart is drawn");
        string InspectedStep() => Driver.FindElement(By.CssSelector("#inspector table[data-step]")).GetAttribute("data-step") ?? string.Empty;
        Assert.Equal("0", InspectedStep()); // the first step until one is clicked
        new OpenQA.Selenium.Interactions.Actions(Driver).MoveToElement(timeline, 60, 0).Click().Perform();
        Assert.NotEqual("0", InspectedStep());
        Screenshot("session-timeline", 900);

        // Hotspots: the toggle ranks by output bytes.
        Open("#/hotspots", "hotspots-cost");
        Driver.FindElement(By.CssSelector("button[data-rank='bytes']")).Click();
        WaitReady("hotspots-bytes");
        Assert.Contains("on", Driver.FindElement(By.CssSelector("button[data-rank='bytes']")).GetAttribute("class") ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("by raw output bytes", Driver.FindElement(By.CssSelector("[data-table='files'] h2")).Text, StringComparison.Ordinal);
        Assert.NotEmpty(Driver.FindElements(By.CssSelector(".hotspot-row")));
        Screenshot("hotspots-bytes", 1600);

        // Distributions: the eight charts are drawn (a canvas each, no "no data" placeholder, no error).
        Driver.FindElement(By.CssSelector(".tabs a[data-tab='distributions']")).Click();
        WaitReady("distributions");
        Assert.Contains("active", Driver.FindElement(By.CssSelector(".tabs a[data-tab='distributions']")).GetAttribute("class") ?? string.Empty, StringComparison.Ordinal);
        var distributions = Driver.FindElements(By.CssSelector("[data-chart]"));
        Assert.Equal(DistributionCharts, distributions.Select(c => c.GetAttribute("data-chart")));
        foreach (var chart in distributions)
        {
            var canvas = chart.FindElements(By.CssSelector("canvas, svg"));
            Assert.True(canvas.Count > 0 && canvas[0].Size.Height > 200, chart.GetAttribute("data-chart") + " is drawn");
            Assert.Null(chart.GetAttribute("data-empty"));
        }

        Assert.Empty(Driver.FindElements(By.CssSelector("#view .error")));
        Screenshot("distributions", 2150);

        // A filter with nothing in it: every chart says so instead of drawing empty axes.
        Driver.FindElement(By.CssSelector("#provider option[value='opencode']")).Click();
        new WebDriverWait(Driver, TimeSpan.FromSeconds(20)).Until(d => d.FindElements(By.CssSelector("[data-chart][data-empty='true']")).Count == DistributionCharts.Length);
        Assert.Empty(Driver.FindElements(By.CssSelector("[data-chart] canvas")));
        Assert.All(Driver.FindElements(By.CssSelector("[data-chart]")), c => Assert.Equal("No data for these filters.", c.Text));
        Screenshot("distributions-empty", 1200);
        Driver.FindElement(By.CssSelector("#provider option[value='']")).Click();
        WaitReady("distributions"); // the redraw for "All" finishes before the next page opens
        Assert.Equal(DistributionCharts.Length, Driver.FindElements(By.CssSelector("[data-chart] canvas")).Count);

        Open("#/experiments/prefix_cache%2Fcache_hit_ratio", "experiments");
        Assert.Contains("prefix_cache/cache_hit_ratio", Driver.FindElement(By.Id("readme")).Text, StringComparison.Ordinal);
        Screenshot("experiments", 1300);

        // Live update: another ingest (a new transcript) shows up without a reload.
        Open("#/overview", "overview");
        var stepsBefore = Tile("steps");
        var more = Directory.CreateTempSubdirectory("tracelens-browser-more-").FullName;
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = more, Seed = 12, TargetAssistantRecords = 40, MaxDegreeOfParallelism = 1, Providers = [Tracelens.Model.Provider.Claude] });
        foreach (var project in Directory.EnumerateDirectories(Path.Combine(more, ".claude", "projects")))
        {
            Directory.Move(project, Path.Combine(_home, ".claude", "projects", "live-" + Path.GetFileName(project)));
        }

        Ingest();
        var expected = SdkTotal().Steps.ToString(inv);
        Assert.NotEqual(stepsBefore, expected);
        UntilRendered(() => Tile("steps") == expected);

        // Drag-and-drop's file picker: a Codex log is analyzed apart and its dashboard opens on it.
        Open("#/upload", "upload");
        var log = Directory.EnumerateFiles(Path.Combine(_home, ".codex"), "*.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        Driver.FindElement(By.Id("upload-file")).SendKeys(log);
        WaitReady("upload-done");
        Screenshot("upload", 900);
        Driver.FindElement(By.Id("open-upload")).Click();
        WaitReady("overview");
        Assert.Contains("scratch ledger", Driver.FindElement(By.Id("upload-banner")).Text, StringComparison.Ordinal);
        Assert.NotEqual(expected, Tile("steps"));
        Screenshot("upload-overview", 1900);
    }
}
