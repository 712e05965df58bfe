using System.IO.Compression;

namespace Tracelens.Export;

/// <summary>Opens trace files (JSONL rows), plain or gzip-compressed, whatever their name says.</summary>
public static class TraceFile
{
    /// <summary>Opens a file for reading, decompressing it when it starts with the gzip magic bytes.</summary>
    public static Stream OpenRead(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        try
        {
            return OpenRead(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Wraps <paramref name="raw"/> in a gzip decompressor when it starts with the gzip magic bytes
    /// (1F 8B), otherwise returns a stream of the same bytes. Works on unseekable streams (stdin).
    /// The returned stream owns <paramref name="raw"/>.
    /// </summary>
    public static Stream OpenRead(Stream raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var head = new byte[2];
        var n = 0;
        while (n < head.Length)
        {
            var read = raw.Read(head, n, head.Length - n);
            if (read == 0)
            {
                break;
            }

            n += read;
        }

        Stream stream;
        if (raw.CanSeek)
        {
            raw.Seek(-n, SeekOrigin.Current);
            stream = raw;
        }
        else
        {
            stream = new PrefixedStream(head.AsMemory(0, n), raw);
        }

        return n == 2 && head[0] == 0x1F && head[1] == 0x8B ? new GZipStream(stream, CompressionMode.Decompress) : stream;
    }

    /// <summary>A read-only stream that first returns a few already-read bytes, then the rest of the inner stream.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty)
            {
                return inner.Read(buffer);
            }

            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
