using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace Tracelens.Ledger;

/// <summary>The ledger file is newer than this binary understands, or is not a ledger at all.</summary>
public sealed class LedgerException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Opens the SQLite ledger (WAL, foreign keys, busy timeout) and brings its schema up to date with
/// the embedded, numbered migrations. Migrating is idempotent when two processes open an old
/// ledger at once: each runs under <c>BEGIN IMMEDIATE</c> and re-reads the version inside it.
/// A ledger written by a newer Tracelens is refused rather than guessed at.
/// </summary>
public sealed class LedgerDatabase : IDisposable
{
    // Read only when a ledger needs migrating: opening an up-to-date one (every report) skips it.
    private static readonly Lazy<IReadOnlyList<(int Version, string Sql)>> Migrations = new(LoadMigrations);

    /// <summary>The schema version this binary writes.</summary>
    public static int LatestVersion { get; } = typeof(LedgerDatabase).Assembly.GetManifestResourceNames()
        .Count(n => n.StartsWith(MigrationPrefix, StringComparison.Ordinal));

    private const string MigrationPrefix = "Tracelens.Ledger.Migrations.";

    static LedgerDatabase()
    {
        // SQLite's memory statistics take a global mutex on every allocation, and nothing here
        // reads them. Settable only before SQLite initializes (the first connection of the
        // process); when something opened one earlier, SQLite refuses and the default stays.
        SQLitePCL.Batteries_V2.Init();
        _ = SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MEMSTATUS, 0);
    }

    public SqliteConnection Connection { get; }

    public string Path { get; }

    private LedgerDatabase(SqliteConnection connection, string path)
    {
        Connection = connection;
        Path = path;
    }

    /// <summary>How long a statement waits for another process's lock before failing with SQLITE_BUSY.</summary>
    public const int BusyTimeoutMs = 10_000;

    /// <summary>Opens (creating when absent) and migrates the ledger at <paramref name="path"/>.</summary>
    public static LedgerDatabase Open(string path) => Open(path, BusyTimeoutMs);

    /// <param name="busyTimeoutMs">How long to wait for another process's lock (tests shorten it).</param>
    internal static LedgerDatabase Open(string path, int busyTimeoutMs)
    {
        var full = System.IO.Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LedgerException($"{full}: cannot create the ledger's folder: {e.Message}", e);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            // One round of settings: bigger pages fit wide step rows and long keys with fewer splits
            // (page_size only takes effect on a new file); a 64 MB page cache keeps the indexes of a
            // large ingest in memory.
            Configure(connection, busyTimeoutMs);
            Migrate(connection, full);
            return new LedgerDatabase(connection, full);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6) // SQLITE_BUSY, SQLITE_LOCKED
        {
            connection.Dispose();
            throw new LedgerException(
                $"{full}: cannot open the ledger: another process has held it for {busyTimeoutMs / 1000.0:0.#} s (a first ingest or a large import keeps it until it ends); try again when that has finished",
                e);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new LedgerException($"{full}: cannot open the ledger: {e.Message}{WhyNotWritable(full)}", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Lets SQLite read the file through a memory map (up to 1 GiB) instead of copying every page
    /// with a system call: report queries that walk most of the ledger run about a tenth faster.
    /// Only for reading commands: mapped pages count in the process's resident size, which a
    /// long ingest or export should not inflate.
    /// </summary>
    public void MapForReading() => Execute(Connection, "PRAGMA mmap_size = 1073741824;");

    private static void Configure(SqliteConnection connection, int busyTimeoutMs)
    {
        // Through the C API, retried here until the busy timeout: SQLite returns SQLITE_BUSY at once,
        // without waiting, where waiting could deadlock (switching a ledger that a first load holds
        // in rollback-journal mode back to WAL), and Microsoft.Data.Sqlite would retry for 30 s on
        // top of the timeout before saying anything.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var pragma in (ReadOnlySpan<string>)[
            $"PRAGMA busy_timeout = {busyTimeoutMs.ToString(CultureInfo.InvariantCulture)};",
            "PRAGMA page_size = 16384;",
            "PRAGMA journal_mode = WAL;",
            "PRAGMA synchronous = NORMAL;",
            "PRAGMA foreign_keys = ON;",
            "PRAGMA cache_size = -65536;",
        ])
        {
            while (true)
            {
                try
                {
                    using var statement = new SqliteStatement(connection, pragma);
                    statement.Step();
                    break;
                }
                catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6 && clock.ElapsedMilliseconds < busyTimeoutMs)
                {
                    Thread.Sleep(25);
                }
            }
        }
    }

    /// <summary>
    /// SQLite says only "unable to open database file"; what the file system says about writing the
    /// ledger or its folder (a read-only mount, a permission) is what the user can act on.
    /// </summary>
    private static string WhyNotWritable(string path)
    {
        try
        {
            if (File.Exists(path))
            {
                using (File.Open(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
                {
                }
            }

            // The write-ahead log and its index are created beside the ledger.
            var probe = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, $".tracelens-write-probe-{Environment.ProcessId}");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }

            return string.Empty;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $" (the ledger or its folder cannot be written: {e.Message})";
        }
    }

    /// <summary>The schema version stored in the file (SQLite's user_version).</summary>
    public int SchemaVersion => Convert.ToInt32(Scalar(Connection, "PRAGMA user_version;"), CultureInfo.InvariantCulture);

    private static void Migrate(SqliteConnection connection, string path)
    {
        var current = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
        if (current == LatestVersion)
        {
            return;
        }

        if (current > LatestVersion)
        {
            throw new LedgerException($"{path} has schema version {current}, newer than this Tracelens understands ({LatestVersion}); upgrade Tracelens or use another --ledger.");
        }

        Execute(connection, "BEGIN IMMEDIATE;");
        try
        {
            // Another process may have migrated while this one waited for the write lock.
            current = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
            foreach (var (version, sql) in Migrations.Value)
            {
                if (version <= current)
                {
                    continue;
                }

                Execute(connection, sql);
                Execute(connection, $"PRAGMA user_version = {version.ToString(CultureInfo.InvariantCulture)};");
            }

            Execute(connection, "COMMIT;");
        }
        catch
        {
            RollbackQuietly(connection);
            throw;
        }
    }

    /// <summary>
    /// Rolls back the open transaction, if SQLite has not already done so itself (it does on
    /// SQLITE_FULL, for example), without hiding the error that caused the rollback.
    /// </summary>
    internal static void RollbackQuietly(SqliteConnection connection)
    {
        try
        {
            Execute(connection, "ROLLBACK;");
        }
        catch (SqliteException)
        {
            // No transaction left to roll back.
        }
    }

    private static List<(int, string)> LoadMigrations()
    {
        var assembly = typeof(LedgerDatabase).Assembly;
        const string prefix = MigrationPrefix;
        var list = new List<(int, string)>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var file = name[prefix.Length..];
            var version = int.Parse(file.AsSpan(0, file.IndexOf('_', StringComparison.Ordinal)), NumberStyles.None, CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            list.Add((version, reader.ReadToEnd()));
        }

        if (list.Count == 0 || list.Select((m, i) => m.Item1 == i + 1).Any(ok => !ok))
        {
            throw new InvalidOperationException("embedded migrations must be numbered 1, 2, 3, … without gaps");
        }

        return list;
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    internal static object? Scalar(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteScalar();
    }

    public void Dispose() => Connection.Dispose();
}
