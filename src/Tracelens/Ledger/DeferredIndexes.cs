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

    /// <summary>
    /// Drops the secondary indexes, except those named in <paramref name="keep"/>; call inside the
    /// load's transaction.
    /// </summary>
    public static DeferredIndexes Drop(SqliteConnection connection, IReadOnlySet<string>? keep = null)
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
                if (keep is null || !keep.Contains(r.GetString(0)))
                {
                    deferred._dropped.Add((r.GetString(0), r.GetString(1)));
                }
            }
        }

        foreach (var (name, _) in deferred._dropped)
        {
            LedgerDatabase.Execute(connection, $"DROP INDEX \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\";");
        }

        return deferred;
    }

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
