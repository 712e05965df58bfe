using Tracelens.Collect;
using Tracelens.Ledger;
using Tracelens.Synth;

namespace Tracelens.Web.Tests.Support;

/// <summary>
/// A generated Claude Code + Codex history (the deterministic Synth generator, fixed seed and size)
/// ingested into a ledger: built once per test run and shared read-only by every test that only reads.
/// </summary>
public sealed class FixtureLedger
{
    private static readonly Lazy<FixtureLedger> Shared = new(() => Create(records: 400));

    public static FixtureLedger Instance => Shared.Value;

    public required string Home { get; init; }

    public string LedgerPath => Path.Combine(Home, "ledger.db");

    /// <summary>A new history of about <paramref name="records"/> assistant records in its own folder, ingested.</summary>
    public static FixtureLedger Create(int records, ulong seed = 7)
    {
        var home = Directory.CreateTempSubdirectory("tracelens-web-").FullName;
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = seed, TargetAssistantRecords = records, MaxDegreeOfParallelism = 1 });
        var fixture = new FixtureLedger { Home = home };
        fixture.Ingest();
        return fixture;
    }

    /// <summary>Adds new and changed logs under <see cref="Home"/> to the ledger, as <c>tracelens ingest</c> does.</summary>
    public void Ingest()
    {
        var discovery = new DiscoveryOptions { Home = Home };
        using var ledger = LedgerDatabase.Open(LedgerPath);
        new Ingestor(ledger).Run(discovery, Ingestor.StartDiscovery(discovery));
    }
}
