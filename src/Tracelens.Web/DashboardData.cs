using Tracelens.Ledger;
using Tracelens.Pricing;

namespace Tracelens.Web;

/// <summary>
/// Where requests get their data: the price table (read once) and a ledger connection per request,
/// so requests run side by side (SQLite readers do not block each other in WAL mode) and each sees
/// the latest committed ingest.
/// </summary>
public sealed class DashboardData(DashboardOptions options)
{
    private readonly Lazy<PriceBook> _prices = new(() => PriceBook.Open(options.PricesPath, options.Env, options.Home));

    public DashboardOptions Options => options;

    public PriceBook Prices => _prices.Value;

    /// <summary>Opens the ledger, or returns null when there is none yet (never creates one: a read-only view).</summary>
    public LedgerDatabase? OpenLedger() => File.Exists(options.LedgerPath) ? LedgerDatabase.Open(options.LedgerPath) : null;
}
