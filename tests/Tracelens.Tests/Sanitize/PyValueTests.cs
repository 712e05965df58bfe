using System.Text;
using Tracelens.Json;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Sanitize;

public class PyValueTests
{
    [Theory]
    [InlineData("""{"a":1,"b":2,"a":3}""", """{"a":3,"b":2}""")]
    [InlineData("""{"\u0061":1,"a":2}""", """{"a":2}""")]
    [InlineData("[-0, 123456789012345678901234567890, 1e5, 1E-7, 2.50, -0.0]", "[0,123456789012345678901234567890,100000.0,1e-07,2.5,-0.0]")]
    [InlineData("[NaN, Infinity, -Infinity, 1e400]", "[NaN,Infinity,-Infinity,Infinity]")]
    [InlineData("""["\u00e9\/\u0001\u007f\n\"\\", "é", "\ud83d\ude00"]""", "[\"é/\\u0001\u007f\\n\\\"\\\\\",\"é\",\"😀\"]")]
    [InlineData("""{ "k" : [ true , false , null , { } , [ ] ] }""", """{"k":[true,false,null,{},[]]}""")]
    public void Writes_back_like_python_json_dumps(string json, string expected)
    {
        var value = PyValue.Parse(json);
        Assert.Equal(expected, value.ToJson());
        Assert.Equal(Compact(json), value.ToJson());
    }

    [SharedFact]
    public void Every_fixture_row_round_trips_byte_for_byte()
    {
        var lines = File.ReadAllLines(TestPaths.Shared("conformance", "tracelab", "expected", "round_trace.jsonl"));
        Assert.Equal(19, lines.Length);
        foreach (var line in lines)
        {
            Assert.Equal(line, PyValue.Parse(line).ToJson());
        }
    }

    [Fact]
    public void Setting_an_existing_key_keeps_its_position_and_a_new_key_goes_last()
    {
        var obj = (PyObject)PyValue.Parse("""{"a":1,"b":2,"c":3}""");
        obj["b"] = new PyString("x");
        obj["d"] = PyNull.Instance;
        Assert.Equal("""{"a":1,"b":"x","c":3,"d":null}""", obj.ToJson());
    }

    [Fact]
    public void Removing_a_key_keeps_the_order_of_the_others()
    {
        var obj = (PyObject)PyValue.Parse("""{"a":1,"b":2,"c":3}""");
        Assert.True(obj.Remove("b"));
        Assert.False(obj.Remove("zz"));
        obj["b"] = PyBool.True;
        Assert.Equal("""{"a":1,"c":3,"b":true}""", obj.ToJson());
    }

    [Fact]
    public void Deep_clone_shares_no_container()
    {
        var original = (PyObject)PyValue.Parse("""{"a":{"b":[1]}}""");
        var clone = (PyObject)original.DeepClone();
        ((PyArray)((PyObject)clone["a"])["b"]).Add(PyNumber.FromInteger(2));
        ((PyObject)clone["a"])["c"] = PyNull.Instance;
        Assert.Equal("""{"a":{"b":[1]}}""", original.ToJson());
    }

    [Theory]
    [InlineData("\"abc\"", "abc")]
    [InlineData("12", "12")]
    [InlineData("1.0", "1.0")]
    [InlineData("1e16", "1e+16")]
    [InlineData("NaN", "nan")]
    [InlineData("-Infinity", "-inf")]
    [InlineData("true", "True")]
    [InlineData("null", "None")]
    [InlineData("""{"a":[1,null,false],"b":"it's","c":"x\"y'z"}""", """{'a': [1, None, False], 'b': "it's", 'c': 'x"y\'z'}""")]
    [InlineData("""["\u007f\u0085\u2028é\ud800\t"]""", """['\x7f\x85\u2028é\ud800\t']""")]
    public void Python_str_matches_cpython(string json, string expected) =>
        Assert.Equal(expected, PyValue.Parse(json).ToPythonStr());

    [Theory]
    [InlineData("0", false)]
    [InlineData("-0", false)]
    [InlineData("0.0", false)]
    [InlineData("7", true)]
    [InlineData("NaN", true)]
    [InlineData("\"\"", false)]
    [InlineData("\" \"", true)]
    [InlineData("{}", false)]
    [InlineData("[0]", true)]
    [InlineData("false", false)]
    [InlineData("null", false)]
    public void Truthiness_matches_python(string json, bool expected) =>
        Assert.Equal(expected, PyValue.Parse(json).IsTruthy);

    [Fact]
    public void Invalid_json_is_reported_not_parsed()
    {
        Assert.False(PyValue.TryParse("{\"a\":}"u8, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
        Assert.Throws<FormatException>(() => PyValue.Parse("\uFEFF{}"));
    }

    private static string Compact(string json)
    {
        var tape = new JsonTape();
        Assert.True(tape.Parse(Encoding.UTF8.GetBytes(json)));
        return PythonJson.Serialize(tape, JsonTape.Root);
    }
}
