using Tracelens.Json;
using Xunit;

namespace Tracelens.Tests;

public class PythonFloatTests
{
    [Theory]
    [InlineData(1.1, "1.1")]
    [InlineData(100.0, "100.0")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1.5e16, "1.5e+16")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1234567890123456.0, "1234567890123456.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(1e100, "1e+100")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(0.5, "0.5")]
    [InlineData(123456.789, "123456.789")]
    public void Repr_matches_python(double value, string expected) =>
        Assert.Equal(expected, PythonFloat.Repr(value));

    [Fact]
    public void Repr_writes_json_literals_for_non_finite_values()
    {
        Assert.Equal("NaN", PythonFloat.Repr(double.NaN));
        Assert.Equal("Infinity", PythonFloat.Repr(double.PositiveInfinity));
        Assert.Equal("-Infinity", PythonFloat.Repr(double.NegativeInfinity));
    }
}
