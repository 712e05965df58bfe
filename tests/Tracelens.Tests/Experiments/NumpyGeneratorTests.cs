using System.Security.Cryptography;
using System.Text;
using Tracelens.Experiments.TraceFacts.CsvExport;
using Tracelens.Json;
using Xunit;

namespace Tracelens.Tests.Experiments;

/// <summary>
/// csv_export's generator against NumPy 1.24.2. Expected values were printed by the Python quoted
/// with each test; long sequences are compared through the SHA-256 of their text.
/// </summary>
public sealed class NumpyGeneratorTests
{
    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    // [hex(x) for x in np.random.default_rng(0).bit_generator.random_raw(3)]
    [Fact]
    public void Raw_outputs_match_pcg64_seeded_through_seed_sequence()
    {
        var generator = new NumpyGenerator(0);
        Assert.Equal([0xa30febcfd9c2825fUL, 0x4510bdf882d9d721UL, 0x0a7d3da94ecde8b8UL], [generator.NextUInt64(), generator.NextUInt64(), generator.NextUInt64()]);
    }

    // np.random.default_rng(0).permutation(10).tolist(); default_rng(2**40 + 5).permutation(5);
    // hashlib.sha256(",".join(map(str, np.random.default_rng(99).permutation(70000).tolist())).encode())
    [Fact]
    public void Permutations_match_numpy()
    {
        Assert.Equal([0, 1], new NumpyGenerator(0).Permutation(2));
        Assert.Equal([4, 6, 2, 7, 3, 5, 9, 0, 8, 1], new NumpyGenerator(0).Permutation(10));
        Assert.Equal([1, 0, 2, 4, 3], new NumpyGenerator((1UL << 40) + 5).Permutation(5));
        Assert.Equal("750e23a5f68cc18cc74d8cfe9e64be94e423443a607da003a75dc4d3f1f5cb24", Sha256(string.Join(',', new NumpyGenerator(99).Permutation(70000))));
    }

    // repr(np.random.default_rng(1).exponential(1000.0, 1)[0]) is the arrival gap in TraceLab's coding_trace.csv;
    // hashlib.sha256("\n".join(repr(float(x)) for x in np.random.default_rng(s).exponential(1.0, n)).encode())
    [Theory]
    [InlineData(3, 3000, "a5c6826856becab5a84b9846fea620c63742c75e77863bf6c4c3e03d0fd86b16")]
    [InlineData(11, 100000, "48c80a8933b121863387ef6405dc1a7056f7267ea9dbe1c0a9478b68116270e9")]
    public void Exponential_draws_match_numpy_bit_for_bit(ulong seed, int count, string sha256)
    {
        Assert.Equal("1073.0290263725387", PythonFloat.Repr(new NumpyGenerator(1).Exponential(1000.0, 1)[0]));
        Assert.Equal(sha256, Sha256(string.Join('\n', new NumpyGenerator(seed).Exponential(1.0, count).Select(PythonFloat.Repr))));
    }

    // What csv_export prints, Poisson arrivals in ms at %.6f, is the same text as NumPy's:
    // hashlib.sha256("\n".join('%.6f' % x for x in np.cumsum(np.random.default_rng(s).exponential(1000.0, n))).encode())
    [Theory]
    [InlineData(3, 3000, "207c5077dd563cc30e92881182646b4178989e1c3d07184ad5b7586a3862b17a")]
    [InlineData(11, 100000, "04f4dd5f357935198eca7c5b1d58bcff5f8ad370fd40675532f20d427f2c8de4")]
    public void Poisson_arrival_times_print_exactly_as_with_numpy(ulong seed, int count, string sha256)
    {
        var arrival = 0.0;
        var lines = new NumpyGenerator(seed).Exponential(1000.0, count).Select(gap => PythonFormat.Fixed(arrival += gap, 6));
        Assert.Equal(sha256, Sha256(string.Join('\n', lines)));
        Assert.Equal("1073.029026", PythonFormat.Fixed(new NumpyGenerator(1).Exponential(1000.0, 1)[0], 6));
    }
}
