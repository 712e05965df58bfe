namespace Tracelens.Synth;

/// <summary>
/// xoshiro256** seeded through splitmix64: a small, fully specified generator, so a seed gives the
/// same stream on every runtime (unlike <see cref="Random"/>, whose algorithm is unspecified).
/// Every draw below uses integer arithmetic or exactly rounded IEEE operations only, never
/// transcendental functions, so the output does not depend on the platform's math library.
/// </summary>
internal sealed class SynthRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SynthRandom(ulong seed)
    {
        var sm = seed;
        _s0 = SplitMix(ref sm);
        _s1 = SplitMix(ref sm);
        _s2 = SplitMix(ref sm);
        _s3 = SplitMix(ref sm);
    }

    /// <summary>One splitmix64 step: advances <paramref name="state"/> and returns a well-mixed value.</summary>
    public static ulong SplitMix(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A seed for a derived stream (one per session, per subagent...).</summary>
    public static ulong Derive(ulong seed, ulong stream, ulong index)
    {
        var s = seed ^ (stream * 0xD1B54A32D192ED03UL);
        _ = SplitMix(ref s);
        s ^= index * 0xA24BAED4963EE407UL;
        return SplitMix(ref s);
    }

    public ulong NextU64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform integer in [0, n) (multiply-shift; the bias is below 2^-32 for our ranges).</summary>
    public int Next(int n)
    {
        if (n <= 1)
        {
            return 0;
        }

        return (int)(((UInt128)NextU64() * (ulong)n) >> 64);
    }

    /// <summary>Uniform integer in [min, max] (inclusive).</summary>
    public long Range(long min, long max)
    {
        if (max <= min)
        {
            return min;
        }

        var span = (ulong)(max - min) + 1;
        return min + (long)(((UInt128)NextU64() * span) >> 64);
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextU64() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Picks an index by integer weights.</summary>
    public int Pick(ReadOnlySpan<int> weights)
    {
        var total = 0;
        foreach (var w in weights)
        {
            total += w;
        }

        var r = Next(total);
        for (var i = 0; i < weights.Length; i++)
        {
            r -= weights[i];
            if (r < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    /// <summary>
    /// A skewed positive value: a bucket chosen by weight, then uniform inside it. Buckets are
    /// consecutive ranges <c>[edges[i], edges[i+1]]</c>; this gives heavy tails without <c>Math.Exp</c>.
    /// </summary>
    public long Skewed(ReadOnlySpan<long> edges, ReadOnlySpan<int> weights)
    {
        var b = Pick(weights);
        return Range(edges[b], edges[b + 1]);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
