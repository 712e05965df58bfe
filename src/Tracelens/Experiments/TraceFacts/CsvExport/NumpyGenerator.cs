namespace Tracelens.Experiments.TraceFacts.CsvExport;

/// <summary>
/// NumPy's <c>numpy.random.default_rng(seed)</c>, re-implemented for the two draws csv_export makes
/// (tracelab-spec §6.5, §A.7), so the default shuffled, Poisson-timed export equals TraceLab's:
/// SeedSequence (hash-mixed entropy pool) seeding PCG64 (128-bit LCG, XSL-RR output),
/// <c>permutation(n)</c> (Fisher–Yates from the end with NumPy's masked rejection sampling,
/// 32-bit draws served from halves of 64-bit outputs) and <c>exponential(scale)</c> (NumPy's
/// 256-layer ziggurat over <see cref="ZigguratTables"/>). Checked against NumPy 1.24 draw for draw.
/// </summary>
internal sealed class NumpyGenerator
{
    private static readonly UInt128 Multiplier = new(0x2360ED051FC65DA4UL, 0x4385DF649FCCF645UL);

    private UInt128 _state;
    private readonly UInt128 _increment;
    private bool _hasHalf;
    private uint _half;

    public NumpyGenerator(ulong seed)
    {
        var words = SeedSequence(seed);
        var initialState = new UInt128(words[0], words[1]);
        var sequence = new UInt128(words[2], words[3]);
        _increment = (sequence << 1) | 1;
        _state = 0;
        Step();
        _state += initialState;
        Step();
    }

    /// <summary><c>Generator.permutation(n)</c>: a shuffled 0..n−1.</summary>
    public int[] Permutation(int n)
    {
        var values = Enumerable.Range(0, n).ToArray();
        for (var i = n - 1; i >= 1; i--)
        {
            var j = (int)Interval((ulong)i);
            (values[i], values[j]) = (values[j], values[i]);
        }

        return values;
    }

    /// <summary><c>Generator.exponential(scale, count)</c>.</summary>
    public double[] Exponential(double scale, int count)
    {
        var draws = new double[count];
        for (var i = 0; i < count; i++)
        {
            draws[i] = scale * StandardExponential();
        }

        return draws;
    }

    /// <summary>The next raw 64-bit output (<c>bit_generator.random_raw()</c>).</summary>
    public ulong NextUInt64()
    {
        Step();
        var high = (ulong)(_state >> 64);
        var low = (ulong)_state;
        var rotation = (int)(_state >> 122);
        return ulong.RotateRight(high ^ low, rotation);
    }

    private void Step() => _state = (_state * Multiplier) + _increment;

    private uint NextUInt32()
    {
        if (_hasHalf)
        {
            _hasHalf = false;
            return _half;
        }

        var next = NextUInt64();
        _hasHalf = true;
        _half = (uint)(next >> 32);
        return (uint)next;
    }

    private double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>A uniform integer in [0, max] by masking to the smallest covering power of two and rejecting.</summary>
    private ulong Interval(ulong max)
    {
        if (max == 0)
        {
            return 0;
        }

        var mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        mask |= mask >> 32;
        ulong value;
        if (max <= uint.MaxValue)
        {
            while ((value = NextUInt32() & mask) > max)
            {
            }
        }
        else
        {
            while ((value = NextUInt64() & mask) > max)
            {
            }
        }

        return value;
    }

    private double StandardExponential()
    {
        while (true)
        {
            var ri = NextUInt64() >> 3;
            var layer = (int)(ri & 0xFF);
            ri >>= 8;
            var x = ri * ZigguratTables.W[layer];
            if (ri < ZigguratTables.K[layer])
            {
                return x;
            }

            if (layer == 0)
            {
                return ZigguratTables.R - Log1p(-NextDouble());
            }

            if (((ZigguratTables.F[layer - 1] - ZigguratTables.F[layer]) * NextDouble()) + ZigguratTables.F[layer] < Math.Exp(-x))
            {
                return x;
            }
        }
    }

    /// <summary>
    /// C's <c>log1p</c>, which NumPy's tail draw calls: the C library's own where it can be loaded
    /// (bit-identical to NumPy on the same platform), else a close equivalent.
    /// </summary>
    private static double Log1p(double x)
    {
        if (s_libmLog1p)
        {
            try
            {
                return NativeLog1p(x);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                s_libmLog1p = false;
            }
        }

        var u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }

    private static bool s_libmLog1p = OperatingSystem.IsLinux();

    [System.Runtime.InteropServices.DllImport("libm.so.6", EntryPoint = "log1p")]
    private static extern double NativeLog1p(double x);

    /// <summary>NumPy's <c>SeedSequence(seed).generate_state(4, uint64)</c>.</summary>
    private static ulong[] SeedSequence(ulong seed)
    {
        const uint InitA = 0x43b0d7e5, MultA = 0x931e8875, InitB = 0x8b51f9dd, MultB = 0x58f38ded;
        const uint MixMultL = 0xca01f9dd, MixMultR = 0x4973f715;
        const int PoolSize = 4;
        uint[] entropy = seed >> 32 == 0 ? [(uint)seed] : [(uint)seed, (uint)(seed >> 32)];
        var hashConst = InitA;
        uint HashMix(uint value)
        {
            value ^= hashConst;
            hashConst *= MultA;
            value *= hashConst;
            return value ^ (value >> 16);
        }

        static uint Mix(uint x, uint y)
        {
            var result = (MixMultL * x) - (MixMultR * y);
            return result ^ (result >> 16);
        }

        var pool = new uint[PoolSize];
        for (var i = 0; i < PoolSize; i++)
        {
            pool[i] = HashMix(i < entropy.Length ? entropy[i] : 0);
        }

        for (var source = 0; source < PoolSize; source++)
        {
            for (var target = 0; target < PoolSize; target++)
            {
                if (source != target)
                {
                    pool[target] = Mix(pool[target], HashMix(pool[source]));
                }
            }
        }

        for (var source = PoolSize; source < entropy.Length; source++)
        {
            for (var target = 0; target < PoolSize; target++)
            {
                pool[target] = Mix(pool[target], HashMix(entropy[source]));
            }
        }

        var outputConst = InitB;
        var state = new uint[8];
        for (var i = 0; i < state.Length; i++)
        {
            var value = pool[i % PoolSize] ^ outputConst;
            outputConst *= MultB;
            value *= outputConst;
            state[i] = value ^ (value >> 16);
        }

        return [.. Enumerable.Range(0, 4).Select(i => state[2 * i] | ((ulong)state[(2 * i) + 1] << 32))];
    }
}
