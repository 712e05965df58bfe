namespace Tracelens.Sanitize;

/// <summary>
/// Splits a byte stream into lines the way Python's text-mode file iteration does (universal
/// newlines: <c>\n</c>, <c>\r\n</c> and a lone <c>\r</c> all end a line), so line numbers in
/// messages match TraceLab's. A final line without a terminator counts.
/// </summary>
internal sealed class JsonlLineReader(Stream stream)
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private int _scanned;
    private bool _eof;

    /// <summary>Number of the line last returned (1-based).</summary>
    public int LineNumber { get; private set; }

    /// <summary>The next line without its terminator; the memory is valid until the next call.</summary>
    public bool TryReadLine(out ReadOnlyMemory<byte> line)
    {
        while (true)
        {
            var pending = _buffer.AsSpan(_scanned, _end - _scanned);
            var k = pending.IndexOfAny((byte)'\n', (byte)'\r');
            if (k >= 0)
            {
                var p = _scanned + k;
                if (_buffer[p] == (byte)'\r' && p + 1 == _end && !_eof)
                {
                    // Need the next byte to know whether this is "\r\n".
                    _scanned = p;
                    Fill();
                    continue;
                }

                line = _buffer.AsMemory(_start, p - _start);
                var terminator = _buffer[p] == (byte)'\r' && p + 1 < _end && _buffer[p + 1] == (byte)'\n' ? 2 : 1;
                _start = _scanned = p + terminator;
                LineNumber++;
                return true;
            }

            _scanned = _end;
            if (_eof)
            {
                if (_start < _end)
                {
                    line = _buffer.AsMemory(_start, _end - _start);
                    _start = _scanned = _end;
                    LineNumber++;
                    return true;
                }

                line = default;
                return false;
            }

            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _scanned -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var n = stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0)
        {
            _eof = true;
        }

        _end += n;
    }
}
