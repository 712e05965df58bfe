using System.Numerics;
using Tracelens.Sanitize;
using Xunit;

namespace Tracelens.Tests.Sanitize;

// Expected values come from CPython 3.11's random module and the MT19937 reference output.
public class PythonRandomTests
{
    [Fact]
    public void Init_by_array_matches_the_mt19937_reference_output()
    {
        var random = new PythonRandom([0x123u, 0x234u, 0x345u, 0x456u]);
        uint[] expected = [1067595299, 955945823, 477289528, 4107218783, 4228976476];
        Assert.Equal(expected, Draw(random, 5));
    }

    [Fact]
    public void Integer_seed_is_split_into_little_endian_32_bit_words()
    {
        var seed = (new BigInteger(0x456) << 96) | (new BigInteger(0x345) << 64) | (new BigInteger(0x234) << 32) | 0x123;
        Assert.Equal([1067595299u, 955945823u, 477289528u], Draw(new PythonRandom(seed), 3));
    }

    [Theory]
    [InlineData(42L, 2746317213u, 478163327u, 107420369u)]
    [InlineData(0L, 3626764237u, 1654615998u, 3255389356u)]
    [InlineData(-5L, 2675342405u, 1097127993u, 3185950873u)]
    public void Integer_seeds_match_python(long seed, uint a, uint b, uint c) =>
        Assert.Equal([a, b, c], Draw(new PythonRandom(seed), 3));

    [Fact]
    public void Integer_seed_wider_than_64_bits_matches_python() =>
        Assert.Equal([1786885132u, 353954449u, 1403444918u], Draw(new PythonRandom(BigInteger.Pow(2, 100) + 7), 3));

    [Theory]
    [InlineData("derived-example-v2", 578960059u, 3503277286u, 1740391936u)]
    [InlineData("", 4124137760u, 1951988028u, 2557274880u)]
    [InlineData("héllo ✓", 2402069620u, 1529516004u, 728551504u)]
    public void String_seeds_use_seeding_version_2(string seed, uint a, uint b, uint c) =>
        Assert.Equal([a, b, c], Draw(new PythonRandom(seed), 3));

    [Fact]
    public void Hex_choices_for_the_fixture_seed_give_the_spec_pseudonyms()
    {
        // tracelab-spec §4.4/§12.3: user_4c7b8a1b, then project_92ee5b8a, then session 429ce80b-… .
        var random = new PythonRandom("derived-example-v2");
        var hex = new string([.. Enumerable.Range(0, 24).Select(_ => random.Choice("0123456789abcdef"))]);
        Assert.Equal("4c7b8a1b92ee5b8a429ce80b", hex);
    }

    [Fact]
    public void Base62_choices_redraw_values_of_62_and_63()
    {
        var random = new PythonRandom(TraceLabCompatSanitizer.DefaultSeed);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var drawn = new string([.. Enumerable.Range(0, 24).Select(_ => random.Choice(alphabet))]);
        Assert.Equal("0YPjB2cA9XzvAndGC9kyn2Na", drawn);
    }

    [Fact]
    public void Randbelow_and_choice_over_other_sizes_match_python()
    {
        var random = new PythonRandom("x");
        Assert.Equal([645, 322, 611, 614, 495], Enumerable.Range(0, 5).Select(_ => random.RandBelow(1000)));
        IReadOnlyList<int> seven = [0, 1, 2, 3, 4, 5, 6];
        Assert.Equal([0, 6, 3, 4, 3], Enumerable.Range(0, 5).Select(_ => random.Choice(seven)));
    }

    [Fact]
    public void Getrandbits_keeps_the_top_bits()
    {
        var a = new PythonRandom("derived-example-v2");
        Assert.Equal(578960059u >> 27, a.GetRandBits(5));
        Assert.Equal(3503277286u, a.GetRandBits(32));
    }

    private static uint[] Draw(PythonRandom random, int n) => [.. Enumerable.Range(0, n).Select(_ => random.NextUInt32())];
}
