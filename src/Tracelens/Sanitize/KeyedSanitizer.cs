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
/// 8-hex formats and far less for the others.
/// </remarks>
public sealed class KeyedSanitizer : RowSanitizer
{
    /// <summary>Length of a generated secret, in bytes.</summary>
    public const int SecretLength = 32;

    /// <summary>Shortest secret accepted, in bytes.</summary>
    public const int MinimumSecretLength = 16;

    private readonly byte[] _secret;

    public KeyedSanitizer(ReadOnlySpan<byte> secret)
        : base(dropUserKeys: false, traceLabQuirks: false)
    {
        if (secret.Length < MinimumSecretLength)
        {
            throw new ArgumentException($"the secret must be at least {MinimumSecretLength} bytes", nameof(secret));
        }

        _secret = secret.ToArray();
    }

    private protected override string Map(IdKind kind, string original, Func<IIdCharSource, string> make) =>
        make(new KeyedSource(_secret, IdFormats.Name(kind), original));

    /// <summary>
    /// An unbounded character stream for one (kind, value): block i is
    /// HMAC-SHA256(secret, i as 4 big-endian bytes ‖ kind ‖ 0x00 ‖ UTF-8 value).
    /// </summary>
    private sealed class KeyedSource : IIdCharSource
    {
        private const int BlockSize = HMACSHA256.HashSizeInBytes;

        private readonly byte[] _secret;
        private readonly byte[] _message;
        private readonly byte[] _block = new byte[BlockSize];
        private uint _counter;
        private int _position = BlockSize;
        private bool _lowNibblePending;

        public KeyedSource(byte[] secret, string kind, string original)
        {
            _secret = secret;
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
                HMACSHA256.HashData(_secret, _message, _block);
                _position = 0;
            }

            return _block[_position];
        }
    }
}
