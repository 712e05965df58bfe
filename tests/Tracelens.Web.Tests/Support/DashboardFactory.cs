using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Tracelens.Web;

namespace Tracelens.Web.Tests.Support;

/// <summary>
/// The dashboard in memory (TestServer) over <paramref name="ledgerPath"/>, times in UTC. The type
/// argument only names the web assembly, whose entry point the factory runs (its Program is not
/// nameable here: the CLI has a Program too).
/// </summary>
public sealed class DashboardFactory(string ledgerPath, string home, IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<DashboardOptions>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Tracelens:Ledger", ledgerPath);
        builder.UseSetting("Tracelens:Home", home);
        builder.UseSetting("Tracelens:TimeZone", "UTC");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
    }

    public static DashboardFactory For(FixtureLedger fixture) => new(fixture.LedgerPath, fixture.Home);
}
