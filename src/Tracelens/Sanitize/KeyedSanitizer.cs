using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Tracelens.Sanitize;

/// <summary>
/// The default sanitizer: TraceLab's procedure and output shape, but every pseudonym is a pure
/// function of (secret, kind, original value) computed with HMAC-SHA256. The same id therefore maps
/// the same way in every run and every incremental export made with the same secret, whatever the
/// order of the rows, and nobody without the secret can recompute or reverse the mapping.
/// </summary>
/// <remarks>
/// Formats match TraceLab's (<c>project_</c>/<c>user_</c> + 8 hex, <c>&lt;provider&gt;:</c> +
/// uuid-like, <c>msg_</c>/<c>toolu_</c> hex of the same length, <c>call_</c> base62 of the same
/// length, uuid-like, same-length hex, or the kind's prefix + 16 hex). Unlike TraceLab's seeded
/// mapping there is no "already used" redraw (that would make a value depend on what came
/// before), so two ids of one kind may collide with probability about 2^-32 per pair for the
/// 8-hex formats and far less for the others. Not thread-safe: use one instance per thread.
/// </remarks>
public sealed class KeyedSanitizer : RowSanitizer, IDisposable
{
    /// <summary>Length of a generated secret, in bytes.</summary>
    public const int SecretLength = 32;

    /// <summary>Shortest secret accepted, in bytes.</summary>
    public const int MinimumSecretLength = 16;

    // Pseudonyms already computed (projects and users repeat on every row, tool ids twice); bounded.
    private const int CacheLimit = 65536;

    private readonly IncrementalHash _hmac;
    private readonly Dictionary<(IdKind Kind, string Original), string> _cache = [];

    public KeyedSanitizer(ReadOnlySpan<byte> secret)
        : base(dropUserKeys: false, traceLabQuirks: false)
    {
        if (secret.Length < MinimumSecretLength)
        {
            throw new ArgumentException($"the secret must be at least {MinimumSecretLength} bytes", nameof(secret));
        }

        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
    }

    public void Dispose() => _hmac.Dispose();

    private protected override string Map(IdKind kind, string original, Func<IIdCharSource, string> make)
    {
        // A session pseudonym also carries the row's provider, so it is not a function of the
        // original alone: compute it every time (one HMAC block).
        if (kind == IdKind.SessionId)
        {
            return make(new KeyedSource(_hmac, IdFormats.Name(kind), original));
        }

        if (_cache.TryGetValue((kind, original), out var known))
        {
            return known;
        }

        if (_cache.Count >= CacheLimit)
        {
            _cache.Clear();
        }

        var pseudonym = make(new KeyedSource(_hmac, IdFormats.Name(kind), original));
        _cache[(kind, original)] = pseudonym;
        return pseudonym;
    }

    /// <summary>
    /// An unbounded character stream for one (kind, value): block i is
    /// HMAC-SHA256(secret, i as 4 big-endian bytes ‖ kind ‖ 0x00 ‖ UTF-8 value).
    /// </summary>
    private sealed class KeyedSource : IIdCharSource
    {
        private const int BlockSize = HMACSHA256.HashSizeInBytes;

        private readonly IncrementalHash _hmac;
        private readonly byte[] _message;
        private readonly byte[] _block = new byte[BlockSize];
        private uint _counter;
        private int _position = BlockSize;
        private bool _lowNibblePending;

        public KeyedSource(IncrementalHash hmac, string kind, string original)
        {
            _hmac = hmac;
            var kindBytes = Encoding.UTF8.GetBytes(kind);
            var valueBytes = Encoding.UTF8.GetBytes(original);
            _message = new byte[4 + kindBytes.Length + 1 + valueBytes.Length];
            kindBytes.CopyTo(_message, 4);
            valueBytes.CopyTo(_message, 4 + kindBytes.Length + 1);
        }

        public char NextHex()
        {
            if (_lowNibblePending)
            {
                _lowNibblePending = false;
                return IdFormats.HexAlphabet[_block[_position++] & 0xF];
            }

            var b = PeekByte();
            _lowNibblePending = true;
            return IdFormats.HexAlphabet[b >> 4];
        }

        public char NextBase62()
        {
            if (_lowNibblePending)
            {
                _lowNibblePending = false;
                _position++;
            }

            while (true)
            {
                var b = PeekByte();
                _position++;

                // 248 = 4 × 62: rejecting the rest keeps every character equally likely.
                if (b < 248)
                {
                    return IdFormats.Base62Alphabet[b % 62];
                }
            }
        }

        private byte PeekByte()
        {
            if (_position >= BlockSize)
            {
                BinaryPrimitives.WriteUInt32BigEndian(_message, _counter++);
                _hmac.AppendData(_message);
                _hmac.GetHashAndReset(_block);
                _position = 0;
            }

            return _block[_position];
        }
    }
}
