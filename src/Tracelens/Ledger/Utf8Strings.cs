using System.Text;

namespace Tracelens.Ledger;

/// <summary>
/// One string per distinct text value read through the C API: a scan that meets the same session
/// id, model, tool name or file path on thousands of rows decodes it into a reused buffer and
/// allocates it once, instead of once per row.
/// </summary>
internal sealed class Utf8Strings
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private char[] _chars = new char[512];

    public Utf8Strings() => _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The text in <paramref name="column"/> of the statement's current row, or null for NULL.</summary>
    public string? Get(IntPtr statement, int column)
    {
        if (SqliteNative.sqlite3_column_type(statement, column) == SqliteNative.Null)
        {
            return null;
        }

        var bytes = SqliteNative.Text(statement, column);
        if (bytes.Length > _chars.Length)
        {
            _chars = new char[bytes.Length * 2]; // UTF-8 never decodes to more chars than it has bytes
        }

        var chars = _chars.AsSpan(0, Encoding.UTF8.GetChars(bytes, _chars));
        if (_lookup.TryGetValue(chars, out var known))
        {
            return known;
        }

        var text = new string(chars);
        _strings.Add(text, text);
        return text;
    }
}
