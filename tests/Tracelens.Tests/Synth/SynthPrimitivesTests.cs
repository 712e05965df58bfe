using System.Globalization;
using System.Text;
using Tracelens.Synth;
using Xunit;

namespace Tracelens.Tests.Synth;

public class SynthPrimitivesTests
{
    [Fact]
    public void Random_stream_is_xoshiro256starstar_seeded_by_splitmix64()
    {
        // Reference values from an independent implementation (and rand_xoshiro's seed_from_u64(0)).
        var zero = new SynthRandom(0);
        Assert.Equal(0x99ec5f36cb75f2b4UL, zero.NextU64());
        Assert.Equal(0xbf6e1f784956452aUL, zero.NextU64());

        var r = new SynthRandom(12345);
        Assert.Equal(0xbe6a36374160d49bUL, r.NextU64());
        Assert.Equal(0x214aaa0637a688c6UL, r.NextU64());
        Assert.Equal(0xf69d16de9954d388UL, r.NextU64());
    }

    [Fact]
    public void Bounded_draws_stay_in_range_and_cover_it()
    {
        var r = new SynthRandom(7);
        var seen = new bool[10];
        for (var i = 0; i < 10_000; i++)
        {
            var v = r.Next(10);
            Assert.InRange(v, 0, 9);
            seen[v] = true;
            Assert.InRange(r.Range(-3, 3), -3, 3);
            Assert.InRange(r.NextDouble(), 0.0, 0.9999999999999999);
            Assert.InRange(r.Skewed([10, 20, 1_000], [9, 1]), 10, 1_000);
        }

        Assert.All(seen, Assert.True);
    }

    [Fact]
    public void Iso_timestamps_match_the_framework_formatting()
    {
        var r = new SynthRandom(3);
        var buffer = new byte[24];
        for (var i = 0; i < 2_000; i++)
        {
            var ms = r.Range(0, 4_102_444_800_000); // 1970 .. 2100
            Assert.Equal(24, SynthTime.FormatIso(ms, buffer));
            var expected = DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            Assert.Equal(expected, Encoding.ASCII.GetString(buffer));
            Assert.Equal(expected[..10], SynthTime.DayString(SynthTime.DayNumber(ms)));
        }
    }

    [Fact]
    public void Midnight_guard_detects_a_crossing()
    {
        var midnight = SynthTime.FromDate(new DateOnly(2026, 2, 1));
        Assert.True(SynthTime.CrossesMidnight(midnight - 1_000, 30_000));
        Assert.False(SynthTime.CrossesMidnight(midnight, 30_000));
        Assert.Equal(midnight, SynthTime.NextMidnight(midnight - 1));
    }

    [Fact]
    public void Uuids_have_version_and_variant_bits()
    {
        var r = new SynthRandom(11);
        var v4 = SynthText.Uuid4(r);
        var v7 = SynthText.Uuid7(SynthTime.FromDate(new DateOnly(2026, 3, 21)), r);
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", v4);
        Assert.Matches("^019d0db1-0c00-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", v7);
        Assert.True(Guid.TryParse(v4, out _));
    }
}
