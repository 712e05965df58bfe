using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Tracelens.Synth;

/// <summary>
/// Append-only UTF-8 writer for one generated file: a pooled buffer flushed to an unbuffered
/// <see cref="FileStream"/>, so a file is streamed and never held in memory. A sink without a
/// stream only counts bytes (used when a resumed session replays a subagent that is not written).
/// Strings written through <see cref="Str(string)"/> are JSON-escaped; <see cref="Raw"/> writes bytes
/// the caller already made valid JSON.
/// </summary>
internal sealed class JsonlSink : IDisposable
{
    private const int BufferSize = 1 << 18;
    private static readonly SearchValues<char> NeedsEscape = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    private readonly Stream? _stream;
    private byte[] _buffer;
    private int _pos;
    private long _flushed;

    private JsonlSink(Stream? stream)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    /// <summary>Creates the file (and its directory); fails if it already exists.</summary>
    public static JsonlSink Create(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        return new JsonlSink(stream);
    }

    /// <summary>A sink that discards what it is given but still counts it.</summary>
    public static JsonlSink CreateNull() => new(null);

    /// <summary>Bytes written so far (flushed or buffered).</summary>
    public long Bytes => _flushed + _pos;

    /// <summary>Lines ended so far.</summary>
    public long Lines { get; private set; }

    public void Raw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= _buffer.Length - _pos)
        {
            bytes.CopyTo(_buffer.AsSpan(_pos));
            _pos += bytes.Length;
            return;
        }

        Flush();
        if (bytes.Length >= _buffer.Length)
        {
            _stream?.Write(bytes);
            _flushed += bytes.Length;
            return;
        }

        bytes.CopyTo(_buffer.AsSpan(_pos));
        _pos += bytes.Length;
    }

    public void Byte(byte b)
    {
        if (_pos == _buffer.Length)
        {
            Flush();
        }

        _buffer[_pos++] = b;
    }

    /// <summary>A quoted, escaped JSON string.</summary>
    public void Str(string value)
    {
        Byte((byte)'"');
        StrBody(value);
        Byte((byte)'"');
    }

    /// <summary>The escaped body of a JSON string, without quotes.</summary>
    public void StrBody(ReadOnlySpan<char> value)
    {
        while (!value.IsEmpty)
        {
            var stop = value.IndexOfAny(NeedsEscape);
            var plain = stop < 0 ? value : value[..stop];
            if (!plain.IsEmpty)
            {
                Utf8Plain(plain);
            }

            if (stop < 0)
            {
                return;
            }

            EscapeChar(value[stop]);
            value = value[(stop + 1)..];
        }
    }

    public void Long(long value)
    {
        Ensure(20);
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_pos), out var written);
        _pos += written;
    }

    /// <summary>A non-negative fixed-point number with <paramref name="decimals"/> digits after the point, e.g. 0.0123.</summary>
    public void Fixed(long scaled, int decimals)
    {
        var pow = 1L;
        for (var i = 0; i < decimals; i++)
        {
            pow *= 10;
        }

        Long(scaled / pow);
        Byte((byte)'.');
        var frac = scaled % pow;
        Ensure(decimals);
        for (var i = decimals - 1; i >= 0; i--)
        {
            _buffer[_pos + i] = (byte)('0' + (frac % 10));
            frac /= 10;
        }

        _pos += decimals;
    }

    /// <summary>A quoted ISO-8601 UTC timestamp with milliseconds, e.g. "2026-01-05T09:30:00.123Z".</summary>
    public void Timestamp(long unixMs)
    {
        Ensure(26);
        _buffer[_pos++] = (byte)'"';
        _pos += SynthTime.FormatIso(unixMs, _buffer.AsSpan(_pos));
        _buffer[_pos++] = (byte)'"';
    }

    public void EndLine()
    {
        Byte((byte)'\n');
        Lines++;
    }

    public void Flush()
    {
        if (_pos == 0)
        {
            return;
        }

        _stream?.Write(_buffer, 0, _pos);
        _flushed += _pos;
        _pos = 0;
    }

    public void Dispose()
    {
        Flush();
        _stream?.Dispose();
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void Ensure(int n)
    {
        if (_buffer.Length - _pos < n)
        {
            Flush();
        }
    }

    private void Utf8Plain(ReadOnlySpan<char> chars)
    {
        var max = Encoding.UTF8.GetMaxByteCount(chars.Length);
        if (max > _buffer.Length - _pos)
        {
            Flush();
            if (max > _buffer.Length)
            {
                var bytes = Encoding.UTF8.GetBytes(chars.ToArray());
                Raw(bytes);
                return;
            }
        }

        _pos += Encoding.UTF8.GetBytes(chars, _buffer.AsSpan(_pos));
    }

    private void EscapeChar(char c)
    {
        switch (c)
        {
            case '"':
                Raw("\\\""u8);
                break;
            case '\\':
                Raw("\\\\"u8);
                break;
            case '\n':
                Raw("\\n"u8);
                break;
            case '\r':
                Raw("\\r"u8);
                break;
            case '\t':
                Raw("\\t"u8);
                break;
            case '\b':
                Raw("\\b"u8);
                break;
            case '\f':
                Raw("\\f"u8);
                break;
            default:
                Raw("\\u00"u8);
                Raw(Encoding.ASCII.GetBytes(((int)c).ToString("x2", CultureInfo.InvariantCulture)));
                break;
        }
    }
}
