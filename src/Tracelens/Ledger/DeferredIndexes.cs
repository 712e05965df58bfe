using Microsoft.Data.Sqlite;

namespace Tracelens.Ledger;

/// <summary>
/// The secondary indexes of <c>steps</c> and <c>tool_calls</c>, dropped for a bulk load and built
/// again after it, inside the same transaction (so a crash or an error rolls both back and the
/// ledger keeps every index). Building an index once from the loaded rows costs a fraction of
/// updating it row by row: each step insert otherwise touches seven B-trees.
/// </summary>
/// <remarks>
/// Only indexes that SQLite holds as plain <c>CREATE INDEX</c> statements are dropped; the ones
/// behind a PRIMARY KEY or UNIQUE constraint (<c>trace_key</c>, which deduplicates as rows go in)
/// stay. The definitions are read back from <c>sqlite_schema</c>, so a later migration's indexes
/// are deferred too without a list to keep in step.
/// </remarks>
internal sealed class DeferredIndexes
{
    private readonly SqliteConnection _connection;
    private readonly List<(string Name, string Sql)> _dropped = [];

    private DeferredIndexes(SqliteConnection connection) => _connection = connection;

    /// <summary>
    /// Whether loading about <paramref name="newSteps"/> steps is a bulk load: at least
    /// <paramref name="minimum"/>, and more than the ledger holds already (rebuilding the indexes
    /// re-reads the existing rows too).
    /// </summary>
    public static bool Worthwhile(SqliteConnection connection, long newSteps, long minimum) =>
        newSteps >= minimum && newSteps > (long)(LedgerDatabase.Scalar(connection, "SELECT count(*) FROM steps;") ?? 0L);

    /// <summary>Drops the secondary indexes; call inside the load's transaction.</summary>
    public static DeferredIndexes Drop(SqliteConnection connection)
    {
        var deferred = new DeferredIndexes(connection);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT name, sql FROM sqlite_schema
                WHERE type = 'index' AND tbl_name IN ('steps', 'tool_calls') AND sql IS NOT NULL
                ORDER BY name;
                """;
            using var r = command.ExecuteReader();
            while (r.Read())
            {
                deferred._dropped.Add((r.GetString(0), r.GetString(1)));
            }
        }

        foreach (var (name, _) in deferred._dropped)
        {
            LedgerDatabase.Execute(connection, $"DROP INDEX \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\";");
        }

        return deferred;
    }

    /// <summary>The dropped indexes' names, in the order they are rebuilt.</summary>
    public IReadOnlyList<string> Names => [.. _dropped.Select(d => d.Name)];

    /// <summary>Builds every dropped index again; call before anything that reads through them, in the same transaction.</summary>
    public void Rebuild()
    {
        foreach (var (_, sql) in _dropped)
        {
            LedgerDatabase.Execute(_connection, sql + ";");
        }

        _dropped.Clear();
    }
}

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
