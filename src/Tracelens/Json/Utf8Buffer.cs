using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Tracelens.Json;

/// <summary>
/// A growable UTF-8 byte buffer for writing JSON rows without going through UTF-16 strings:
/// raw log bytes are copied as they are, and only what must change is re-encoded.
/// </summary>
public sealed class Utf8Buffer
{
    private byte[] _bytes;
    private int _length;

    public Utf8Buffer(int capacity = 4096) => _bytes = new byte[capacity];

    [ThreadStatic]
    private static Utf8Buffer? t_inputs;

    [ThreadStatic]
    private static Utf8Buffer? t_rows;

    /// <summary>
    /// A scratch buffer reused on this thread (slot 0: tool inputs, slot 1: rows), so serializing
    /// many values costs one exact-size copy each instead of a chain of doubling buffers.
    /// </summary>
    internal static Utf8Buffer ForThread(int slot)
    {
        var buffer = slot == 0 ? t_inputs ??= new Utf8Buffer(1 << 16) : t_rows ??= new Utf8Buffer(1 << 16);
        buffer.Clear();
        return buffer;
    }

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _bytes.AsSpan(0, _length);

    public void Clear() => _length = 0;

    public byte[] ToArray() => WrittenSpan.ToArray();

    public override string ToString() => Encoding.UTF8.GetString(WrittenSpan);

    // Inlined into every append (a couple of million per gigabyte of logs); growing is the rare call.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private Span<byte> Reserve(int n)
    {
        if (_length + n > _bytes.Length)
        {
            Grow(n);
        }

        return _bytes.AsSpan(_length, n);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void Grow(int n) => Array.Resize(ref _bytes, Math.Max(_length + n, _bytes.Length * 2));

    public Utf8Buffer Append(byte b)
    {
        Reserve(1)[0] = b;
        _length++;
        return this;
    }

    public Utf8Buffer Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _length += bytes.Length;
        return this;
    }

    /// <summary>Appends text as UTF-8 (lone surrogates become U+FFFD).</summary>
    public Utf8Buffer Append(ReadOnlySpan<char> text)
    {
        var n = Encoding.UTF8.GetMaxByteCount(text.Length);
        _length += Encoding.UTF8.GetBytes(text, Reserve(n));
        return this;
    }

    public Utf8Buffer Append(long value)
    {
        Utf8Formatter.TryFormat(value, Reserve(20), out var written);
        _length += written;
        return this;
    }

    /// <summary>Appends a .NET string as a Python json.dumps(ensure_ascii=False) literal.</summary>
    public Utf8Buffer AppendPythonString(string value)
    {
        // Ids, timestamps and sources are short ASCII needing no escapes: narrow them directly.
        if (value.Length <= 256 && System.Text.Ascii.IsValid(value) && value.AsSpan().IndexOfAny(JsonStringCodec.CharsNeedingEscape) < 0)
        {
            var span = Reserve(value.Length + 2);
            span[0] = (byte)'"';
            System.Text.Ascii.FromUtf16(value, span[1..], out _);
            span[^1] = (byte)'"';
            _length += value.Length + 2;
            return this;
        }

        Append((byte)'"');
        var rest = value.AsSpan();
        while (true)
        {
            var k = rest.IndexOfAny(JsonStringCodec.CharsNeedingEscape);
            if (k < 0)
            {
                Append(rest);
                break;
            }

            Append(rest[..k]);
            AppendEscape(rest[k]);
            rest = rest[(k + 1)..];
        }

        return Append((byte)'"');
    }

    /// <summary>Python's escape of one character that needs escaping.</summary>
    internal void AppendEscape(char c)
    {
        switch (c)
        {
            case '"': Append("\\\""u8); break;
            case '\\': Append("\\\\"u8); break;
            case '\n': Append("\\n"u8); break;
            case '\r': Append("\\r"u8); break;
            case '\t': Append("\\t"u8); break;
            case '\b': Append("\\b"u8); break;
            case '\f': Append("\\f"u8); break;
            default:
                Append("\\u00"u8);
                Append((byte)"0123456789abcdef"[c >> 4]);
                Append((byte)"0123456789abcdef"[c & 0xF]);
                break;
        }
    }

    /// <summary>Writes the buffer to a stream.</summary>
    public void WriteTo(Stream stream) => stream.Write(_bytes, 0, _length);
}
