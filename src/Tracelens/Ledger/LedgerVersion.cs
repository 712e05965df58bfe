using System.Globalization;

namespace Tracelens.Ledger;

/// <summary>
/// A short token that changes whenever an ingest or import changes the ledger: the newest step id,
/// the number and total size of its sources, and the latest ingest time. Cheap (four index seeks),
/// and it works across processes and connections, which SQLite's <c>PRAGMA data_version</c> does not
/// (it only compares commits seen by one connection).
/// </summary>
public static class LedgerVersion
{
    public static string Read(LedgerDatabase ledger) => Convert.ToString(LedgerDatabase.Scalar(ledger.Connection, """
        SELECT (SELECT coalesce(max(id), 0) FROM steps) || '-' || (SELECT count(*) FROM sources) || '-' ||
               (SELECT coalesce(sum(size_bytes), 0) FROM sources) || '-' || (SELECT coalesce(max(ingested_at), '') FROM sources);
        """), CultureInfo.InvariantCulture) ?? string.Empty;
}
