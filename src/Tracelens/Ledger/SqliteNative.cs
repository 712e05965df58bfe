using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tracelens.Ledger;

/// <summary>
/// Direct calls into the SQLite library that SQLitePCLRaw's bundle ships (<c>e_sqlite3</c>), for
/// the bulk paths only (binding and stepping inserts, reading columns of big scans). Going through
/// SQLitePCLRaw costs a SafeHandle reference count, an interface dispatch and a GC transition per
/// call — with ~50 calls per step, more than SQLite's own work. Handles come from live
/// SQLitePCLRaw objects that the caller keeps alive. Calls that can block (step, reset) keep the
/// GC transition; short, non-blocking ones (bind, column) suppress it.
/// </summary>
internal static unsafe partial class SqliteNative
{
    private const string Library = "e_sqlite3";

    /// <summary>SQLITE_TRANSIENT: SQLite copies the bound bytes before the call returns.</summary>
    public static readonly IntPtr Transient = new(-1);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int sqlite3_bind_int64(IntPtr statement, int position, long value);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int sqlite3_bind_null(IntPtr statement, int position);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int sqlite3_bind_text(IntPtr statement, int position, byte* text, int length, IntPtr destructor);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int sqlite3_bind_blob(IntPtr statement, int position, byte* blob, int length, IntPtr destructor);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int sqlite3_bind_double(IntPtr statement, int position, double value);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int sqlite3_bind_parameter_index(IntPtr statement, byte* name);

    [LibraryImport(Library)]
    public static partial int sqlite3_step(IntPtr statement);

    [LibraryImport(Library)]
    public static partial int sqlite3_reset(IntPtr statement);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int sqlite3_changes(IntPtr db);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial long sqlite3_last_insert_rowid(IntPtr db);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int sqlite3_column_type(IntPtr statement, int column);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial long sqlite3_column_int64(IntPtr statement, int column);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial byte* sqlite3_column_blob(IntPtr statement, int column);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial byte* sqlite3_column_text(IntPtr statement, int column);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int sqlite3_column_bytes(IntPtr statement, int column);

    public const int Null = 5;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Text(IntPtr statement, int column)
    {
        var text = sqlite3_column_text(statement, column);
        return text is null ? default : new ReadOnlySpan<byte>(text, sqlite3_column_bytes(statement, column));
    }

    /// <summary>An integer column, or null for NULL.</summary>
    public static long? Int64OrNull(IntPtr statement, int column) =>
        sqlite3_column_type(statement, column) == Null ? null : sqlite3_column_int64(statement, column);

    /// <summary>A text column as a new string, or null for NULL (<see cref="Utf8Strings"/> shares values that repeat).</summary>
    public static string? StringOrNull(IntPtr statement, int column) =>
        sqlite3_column_type(statement, column) == Null ? null : System.Text.Encoding.UTF8.GetString(Text(statement, column));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Blob(IntPtr statement, int column)
    {
        var blob = sqlite3_column_blob(statement, column);
        return blob is null ? default : new ReadOnlySpan<byte>(blob, sqlite3_column_bytes(statement, column));
    }
}
