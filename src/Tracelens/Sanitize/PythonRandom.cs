using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Tracelens.Sanitize;

/// <summary>
/// CPython's <c>random.Random</c>: the MT19937 generator with Python's seeding, enough of it to
/// replay TraceLab's sanitizer draw for draw (tracelab-spec §4.4).
/// </summary>
/// <remarks>
/// A string seed uses seeding version 2: the integer <c>int.from_bytes(utf8 + sha512(utf8), "big")</c>.
/// An integer seed is made non-negative, split into 32-bit words (least significant first, at
/// least one word) and fed to <c>init_by_array</c>. Not thread-safe.
/// </remarks>
public sealed class PythonRandom
{
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908b0dfU;
    private const uint UpperMask = 0x80000000U;
    private const uint LowerMask = 0x7fffffffU;

    private readonly uint[] _mt = new uint[N];
    private int _index;

    /// <summary><c>random.Random(seed)</c> for a string seed.</summary>
    public PythonRandom(string seed)
        : this(SeedFromString(seed ?? throw new ArgumentNullException(nameof(seed))))
    {
    }

    /// <summary><c>random.Random(seed)</c> for an integer seed (its absolute value is used).</summary>
    public PythonRandom(BigInteger seed)
    {
        InitByArray(KeyWords(BigInteger.Abs(seed)));
    }

    /// <summary>Seeds with <c>init_by_array(key)</c> directly (the MT19937 reference entry point).</summary>
    internal PythonRandom(ReadOnlySpan<uint> key)
    {
        InitByArray(key);
    }

    /// <summary>Python's seed integer for a string: UTF-8 bytes followed by their SHA-512, big-endian.</summary>
    public static BigInteger SeedFromString(string seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var utf8 = Encoding.UTF8.GetBytes(seed);
        var bytes = new byte[utf8.Length + SHA512.HashSizeInBytes];
        utf8.CopyTo(bytes, 0);
        SHA512.HashData(utf8, bytes.AsSpan(utf8.Length));
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>The next 32-bit output (<c>genrand_uint32</c>).</summary>
    public uint NextUInt32()
    {
        if (_index >= N)
        {
            Twist();
        }

        var y = _mt[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680U;
        y ^= (y << 15) & 0xefc60000U;
        y ^= y >> 18;
        return y;
    }

    /// <summary><c>getrandbits(k)</c> for 1 ≤ k ≤ 32: the top k bits of one output.</summary>
    public uint GetRandBits(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, 32);
        return NextUInt32() >> (32 - k);
    }

    /// <summary><c>_randbelow(n)</c>: k = bit_length(n) bits, redrawn until below n.</summary>
    public int RandBelow(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var k = 32 - BitOperations.LeadingZeroCount((uint)n);
        while (true)
        {
            var r = GetRandBits(k);
            if (r < (uint)n)
            {
                return (int)r;
            }
        }
    }

    /// <summary><c>choice(seq)</c>.</summary>
    public T Choice<T>(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items[RandBelow(items.Count)];
    }

    /// <summary><c>choice(s)</c> for a string of BMP characters.</summary>
    public char Choice(string alphabet)
    {
        ArgumentException.ThrowIfNullOrEmpty(alphabet);
        return alphabet[RandBelow(alphabet.Length)];
    }

    private static uint[] KeyWords(BigInteger value)
    {
        var bytes = value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: false);
        var words = new uint[Math.Max(1, (bytes.Length + 3) / 4)];
        for (var i = 0; i < bytes.Length; i++)
        {
            words[i / 4] |= (uint)bytes[i] << (8 * (i % 4));
        }

        return words;
    }

    private void InitGenrand(uint seed)
    {
        _mt[0] = seed;
        for (var i = 1; i < N; i++)
        {
            _mt[i] = (1812433253U * (_mt[i - 1] ^ (_mt[i - 1] >> 30))) + (uint)i;
        }

        _index = N;
    }

    private void InitByArray(ReadOnlySpan<uint> key)
    {
        if (key.IsEmpty)
        {
            throw new ArgumentException("the key needs at least one word", nameof(key));
        }

        InitGenrand(19650218U);
        var i = 1;
        var j = 0;
        for (var k = Math.Max(N, key.Length); k > 0; k--)
        {
            _mt[i] = (_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1664525U)) + key[j] + (uint)j;
            i++;
            j++;
            if (i >= N)
            {
                _mt[0] = _mt[N - 1];
                i = 1;
            }

            if (j >= key.Length)
            {
                j = 0;
            }
        }

        for (var k = N - 1; k > 0; k--)
        {
            _mt[i] = (_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1566083941U)) - (uint)i;
            i++;
            if (i >= N)
            {
                _mt[0] = _mt[N - 1];
                i = 1;
            }
        }

        _mt[0] = 0x80000000U;
        _index = N;
    }

    private void Twist()
    {
        for (var kk = 0; kk < N; kk++)
        {
            var y = (_mt[kk] & UpperMask) | (_mt[(kk + 1) % N] & LowerMask);
            _mt[kk] = _mt[(kk + M) % N] ^ (y >> 1) ^ ((y & 1U) * MatrixA);
        }

        _index = 0;
    }
}
