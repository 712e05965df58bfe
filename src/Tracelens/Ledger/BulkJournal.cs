using Microsoft.Data.Sqlite;

namespace Tracelens.Ledger;

/// <summary>
/// A bulk load's journal: SQLite's rollback journal instead of the write-ahead log, while no other
/// connection has the ledger open. In WAL mode every page of a large load is written twice (into
/// the log, then copied into the database at the checkpoint that follows the commit: 2.6 s of a
/// 650 MB import's 8 s); with a rollback journal each new page is written once, and the journal
/// holds only the few pages that existed before. A crash mid-load leaves a hot journal that SQLite
/// rolls back on the next open, so the ledger is exactly as before the load.
/// </summary>
internal sealed class BulkJournal : IDisposable
{
    private readonly SqliteConnection _connection;

    private BulkJournal(SqliteConnection connection) => _connection = connection;

    /// <summary>Switches to the rollback journal (outside any transaction), or returns null when another connection prevents it.</summary>
    public static BulkJournal? TryEnter(SqliteConnection connection)
    {
        // Asked once, without waiting (busy timeout 0, and a native statement: Microsoft.Data.Sqlite
        // would retry a busy statement for 30 s): when another connection has the ledger open, the
        // load goes ahead in WAL mode at once.
        LedgerDatabase.Execute(connection, "PRAGMA busy_timeout = 0;");
        try
        {
            using var pragma = new SqliteStatement(connection, "PRAGMA journal_mode = DELETE;");
            return pragma.Step() && System.Text.Encoding.UTF8.GetString(SqliteNative.Text(pragma.Handle, 0)) == "delete"
                ? new BulkJournal(connection)
                : null;
        }
        catch (SqliteException)
        {
            return null; // busy: another connection has the ledger open
        }
        finally
        {
            LedgerDatabase.Execute(connection, $"PRAGMA busy_timeout = {LedgerDatabase.BusyTimeoutMs};");
        }
    }

    /// <summary>Back to WAL (every open also asks for it, so a failure here only lasts until the next open).</summary>
    public void Dispose()
    {
        try
        {
            // Native, so only SQLite's busy timeout applies (not Microsoft.Data.Sqlite's 30 s of retries).
            using var pragma = new SqliteStatement(_connection, "PRAGMA journal_mode = WAL;");
            pragma.Step();
        }
        catch (SqliteException)
        {
            // Another connection arrived meanwhile; the next LedgerDatabase.Open switches back.
        }
    }
}
