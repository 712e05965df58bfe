using System.Globalization;

namespace Tracelens.Ledger;

/// <summary>Where the ledger is and what it holds (for <c>tracelens state status</c>).</summary>
public sealed record LedgerStatus(
    string Path,
    long FileBytes,
    int SchemaVersion,
    IReadOnlyList<(string Table, long Rows)> Tables,
    IReadOnlyList<(string Provider, long Files, long Steps)> Sources,
    string? LastIngestAt)
{
    private static readonly string[] TableNames = ["sources", "sessions", "steps", "tool_calls", "timing_events"];

    // Events live in each step's JSON array: counting the arrays' lengths skips building the view's rows.
    private static string CountSql(string table) => table == "timing_events"
        ? "SELECT coalesce(sum(json_array_length(timing_events_json)), 0) FROM steps;"
        : $"SELECT count(*) FROM {table};";

    public static LedgerStatus Read(LedgerDatabase ledger)
    {
        var tables = TableNames
            .Select(t => (t, Convert.ToInt64(LedgerDatabase.Scalar(ledger.Connection, CountSql(t)), CultureInfo.InvariantCulture)))
            .ToList();
        var sources = new List<(string, long, long)>();
        using (var command = ledger.Connection.CreateCommand())
        {
            command.CommandText = "SELECT provider, count(*), sum(steps) FROM sources GROUP BY provider ORDER BY provider;";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                sources.Add((reader.GetString(0), reader.GetInt64(1), reader.IsDBNull(2) ? 0 : reader.GetInt64(2)));
            }
        }

        var last = LedgerDatabase.Scalar(ledger.Connection, "SELECT max(ingested_at) FROM sources;") as string;
        var bytes = new FileInfo(ledger.Path).Length;
        return new LedgerStatus(ledger.Path, bytes, ledger.SchemaVersion, tables, sources, last);
    }
}

/// <summary>Where the ledger lives: <c>--ledger</c>, else <c>$TRACELENS_HOME/ledger.db</c>, else <c>~/.tracelens/ledger.db</c>.</summary>
public static class LedgerPaths
{
    public static string Resolve(string? explicitPath, Func<string, string?> env, string home)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return System.IO.Path.GetFullPath(explicitPath);
        }

        var root = env("TRACELENS_HOME") is { Length: > 0 } h ? h : System.IO.Path.Combine(home, ".tracelens");
        return System.IO.Path.Combine(root, "ledger.db");
    }
}
