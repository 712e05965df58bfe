using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Tracelens.Ledger;

/// <summary>
/// A prepared statement driven through SQLite's C API with positional binding. The bulk insert
/// path uses it instead of <see cref="SqliteCommand"/>, whose per-execution binding resolves every
/// parameter by name and boxes every value (that was most of a cold ingest's time). Text is
/// encoded into one reusable UTF-8 buffer; SQLite copies it (SQLITE_TRANSIENT) before returning.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private byte[] _utf8 = new byte[4096];

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the ledger connection is not open");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    /// <summary>Parameter positions are 1-based, as in SQLite.</summary>
    public void Bind(int position, long value) => Check(raw.sqlite3_bind_int64(_statement, position, value));

    public void Bind(int position, long? value) =>
        Check(value is { } v ? raw.sqlite3_bind_int64(_statement, position, v) : raw.sqlite3_bind_null(_statement, position));

    public void Bind(int position, bool? value) => Bind(position, value is null ? null : value.Value ? 1L : 0L);

    public void Bind(int position, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, position));
            return;
        }

        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max > _utf8.Length)
        {
            _utf8 = new byte[Math.Max(max, _utf8.Length * 2)];
        }

        var length = Encoding.UTF8.GetBytes(value, _utf8);
        Check(raw.sqlite3_bind_text(_statement, position, _utf8.AsSpan(0, length)));
    }

    public void BindBlob(int position, ReadOnlySpan<byte> value) => Check(raw.sqlite3_bind_blob(_statement, position, value));

    /// <summary>Binds UTF-8 text that is already encoded.</summary>
    public void BindText(int position, ReadOnlySpan<byte> utf8) => Check(raw.sqlite3_bind_text(_statement, position, utf8));

    /// <summary>Runs the statement to completion and resets it; returns the rows it changed.</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return raw.sqlite3_changes(_db);
    }

    /// <summary>The rowid of the last row this connection inserted.</summary>
    public long LastInsertRowId => raw.sqlite3_last_insert_rowid(_db);

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    public void Dispose() => _statement.Dispose();
}
