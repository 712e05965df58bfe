using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Tracelens.Ledger;

/// <summary>
/// A prepared statement driven through SQLite's C API with positional binding. The bulk insert
/// path uses it instead of <see cref="SqliteCommand"/>, whose per-execution binding resolves every
/// parameter by name and boxes every value (that was most of a cold ingest's time). Text is
/// encoded into one reusable UTF-8 buffer; SQLite copies it (SQLITE_TRANSIENT) before returning.
/// Text equal to what a position holds already is not bound again.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly IntPtr _handle; // _statement's, for SqliteNative; valid while _statement lives
    private readonly IntPtr _dbHandle;
    private byte[] _utf8 = new byte[4096];

    // The text last bound at each position, while it is still bound there. SQLite keeps a binding
    // across executions (reset does not clear it), so the same text again — a step's session,
    // project, file and home, repeated for every step of a file — is not encoded and copied again.
    private readonly string?[] _boundText;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the ledger connection is not open");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
        _handle = _statement.DangerousGetHandle();
        _dbHandle = _db.DangerousGetHandle();
        _boundText = new string?[raw.sqlite3_bind_parameter_count(_statement) + 1];
    }

    /// <summary>The native statement, for column reads through <see cref="SqliteNative"/>.</summary>
    public IntPtr Handle => _handle;

    /// <summary>Parameter positions are 1-based, as in SQLite.</summary>
    public void Bind(int position, long value)
    {
        Unbound(position);
        Check(SqliteNative.sqlite3_bind_int64(_handle, position, value));
    }

    public void Bind(int position, long? value)
    {
        Unbound(position);
        Check(value is { } v ? SqliteNative.sqlite3_bind_int64(_handle, position, v) : SqliteNative.sqlite3_bind_null(_handle, position));
    }

    public void Bind(int position, bool? value) => Bind(position, value is null ? null : value.Value ? 1L : 0L);

    public void Bind(int position, string? value)
    {
        if (value is null)
        {
            Unbound(position);
            Check(SqliteNative.sqlite3_bind_null(_handle, position));
            return;
        }

        if ((uint)position < (uint)_boundText.Length && _boundText[position] is { } bound && string.Equals(bound, value, StringComparison.Ordinal))
        {
            return;
        }

        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max > _utf8.Length)
        {
            _utf8 = new byte[Math.Max(max, _utf8.Length * 2)];
        }

        var length = Encoding.UTF8.GetBytes(value, _utf8);
        BindText(position, _utf8.AsSpan(0, length));
        if ((uint)position < (uint)_boundText.Length)
        {
            _boundText[position] = value; // (after the bind: a failed one leaves nothing recorded)
        }
    }

    /// <summary>Forgets the text recorded at a position about to get another value.</summary>
    private void Unbound(int position)
    {
        if ((uint)position < (uint)_boundText.Length)
        {
            _boundText[position] = null;
        }
    }

    public unsafe void BindBlob(int position, ReadOnlySpan<byte> value)
    {
        Unbound(position);
        fixed (byte* bytes = value)
        {
            // A non-null pointer even for an empty value: a null one would bind NULL, not an empty blob.
            byte empty = 0;
            Check(SqliteNative.sqlite3_bind_blob(_handle, position, value.IsEmpty ? &empty : bytes, value.Length, SqliteNative.Transient));
        }
    }

    /// <summary>Binds UTF-8 text that is already encoded.</summary>
    public unsafe void BindText(int position, ReadOnlySpan<byte> utf8)
    {
        Unbound(position);
        fixed (byte* text = utf8)
        {
            byte empty = 0;
            Check(SqliteNative.sqlite3_bind_text(_handle, position, utf8.IsEmpty ? &empty : text, utf8.Length, SqliteNative.Transient));
        }
    }

    /// <summary>
    /// Binds a command's named parameters (text, integers, reals, null), so that a query whose
    /// filter was built for a <see cref="SqliteCommand"/> can be read through the C API instead.
    /// </summary>
    public unsafe void BindParameters(SqliteParameterCollection parameters)
    {
        foreach (SqliteParameter parameter in parameters)
        {
            var name = Encoding.UTF8.GetBytes(parameter.ParameterName + "\0");
            int position;
            fixed (byte* n = name)
            {
                position = SqliteNative.sqlite3_bind_parameter_index(_handle, n);
            }

            if (position == 0)
            {
                throw new InvalidOperationException($"the query has no parameter {parameter.ParameterName}");
            }

            switch (parameter.Value)
            {
                case null or DBNull:
                    Unbound(position);
                    Check(SqliteNative.sqlite3_bind_null(_handle, position));
                    break;
                case string text:
                    Bind(position, text);
                    break;
                case long or int or short or bool:
                    Bind(position, Convert.ToInt64(parameter.Value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case double real:
                    Unbound(position);
                    Check(SqliteNative.sqlite3_bind_double(_handle, position, real));
                    break;
                default:
                    throw new InvalidOperationException($"parameter {parameter.ParameterName} has an unsupported type {parameter.Value.GetType().Name}");
            }
        }
    }

    /// <summary>Runs the statement to completion and resets it; returns the rows it changed.</summary>
    public int Execute()
    {
        var rc = SqliteNative.sqlite3_step(_handle);
        _ = SqliteNative.sqlite3_reset(_handle); // repeats step's error code, which is checked below
        if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return SqliteNative.sqlite3_changes(_dbHandle);
    }

    /// <summary>Steps a query: true while it has a row (read its columns through <see cref="Handle"/>).</summary>
    public bool Step()
    {
        var rc = SqliteNative.sqlite3_step(_handle);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return false;
    }

    /// <summary>Ends a query stepped with <see cref="Step"/> early, ready to run again.</summary>
    public void Reset() => _ = SqliteNative.sqlite3_reset(_handle);

    /// <summary>Binds (text, integer, integer) to ?1..?3, and says whether the query has a row; the statement is reset for the next call.</summary>
    public bool Exists(string first, long second, long third)
    {
        Bind(1, first);
        Bind(2, second);
        Bind(3, third);
        try
        {
            return Step();
        }
        finally
        {
            _ = SqliteNative.sqlite3_reset(_handle);
        }
    }

    /// <summary>Steps to the first row, returns its first column as an integer and resets the statement.</summary>
    public long ScalarInt64()
    {
        try
        {
            return Step() ? SqliteNative.sqlite3_column_int64(_handle, 0) : throw new InvalidOperationException("the statement returned no row");
        }
        finally
        {
            _ = SqliteNative.sqlite3_reset(_handle);
        }
    }

    /// <summary>The rowid of the last row this connection inserted.</summary>
    public long LastInsertRowId => SqliteNative.sqlite3_last_insert_rowid(_dbHandle);

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    public void Dispose() => _statement.Dispose();
}
