using System.Text;
using Tracelens.Json;
using Tracelens.Sanitize;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Cli;

/// <summary>`tracelens sanitize`: TraceLab's exact pseudonyms, the keyed default, and the leak gate, end to end.</summary>
public sealed class SanitizeCliTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tracelens-sanitize-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private CliRunner Runner() => new() { Home = _home };

    private string Golden(CliRunner.Result r) => r.Render((_home, "<HOME>"));

    private static string Expected(string name) => TestPaths.Shared("conformance", "tracelab", "expected", name);

    [SharedFact]
    public void Compat_mode_reproduces_tracelab_byte_for_byte()
    {
        var output = Path.Combine(_home, "out.jsonl");
        var r = Runner().Run("sanitize", Expected("round_trace.jsonl"), "-o", output, "--compat", "tracelab", "--seed", "derived-example-v2");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(File.ReadAllBytes(Expected("sanitized_round_trace.seed-derived-example-v2.jsonl")), File.ReadAllBytes(output));
    }

    [SharedFact]
    public void Legacy_compat_mode_reproduces_the_committed_tracelab_file()
    {
        var output = Path.Combine(_home, "legacy.jsonl");
        var r = Runner().Run("sanitize", Expected("round_trace.jsonl"), "-o", output, "--compat", "tracelab-legacy", "--seed", "derived-example-v2");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(File.ReadAllBytes(Expected("sanitized_legacy_round_trace.jsonl")), File.ReadAllBytes(output));
    }

    [SharedFact]
    public void Default_mode_is_stable_across_runs_and_passes_the_leak_gate()
    {
        var first = Path.Combine(_home, "a.jsonl.gz");
        var second = Path.Combine(_home, "b.jsonl.gz");
        var r1 = Runner().Run("sanitize", Expected("round_trace.jsonl"), "-o", first);
        var r2 = Runner().Run("sanitize", Expected("round_trace.jsonl"), "-o", second);
        Assert.Equal(0, r1.ExitCode);
        Assert.Equal(0, r2.ExitCode);
        var a = ReadText(first);
        Assert.Equal(a, ReadText(second));
        Assert.True(File.Exists(Path.Combine(_home, ".tracelens", "secret")), "the installation secret is created under the home");
        var gate = new LeakGate(new LeakGateOptions { HomePath = "/home/user", UserName = "user" });
        var rows = a.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(19, rows.Length);
        foreach (var row in rows)
        {
            Assert.Empty(gate.Find(PyValue.Parse(row)));
            Assert.DoesNotContain("/home/user", row, StringComparison.Ordinal);
            Assert.DoesNotContain("\"input\":", row, StringComparison.Ordinal);
        }

        Snapshot.Match(Golden(r1).Replace(first, "<OUT>", StringComparison.Ordinal).Replace(Expected("round_trace.jsonl"), "<IN>", StringComparison.Ordinal), "Cli", "sanitize-default.txt");
    }

    private static string ReadText(string gz)
    {
        using var s = Sanitizer.OpenInput(gz);
        using var reader = new StreamReader(s, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [Fact]
    public void A_row_that_would_still_leak_is_refused_and_named_with_its_line()
    {
        var input = Path.Combine(_home, "in.jsonl");
        File.WriteAllText(input,
            "{\"provider\":\"claude\",\"session_id\":\"claude:s1\",\"round_id\":\"msg_1\",\"tools\":[]}\n" +
            "{\"provider\":\"claude\",\"session_id\":\"claude:s1\",\"round_id\":\"msg_2\",\"work_dir\":\"/srv/app\",\"tools\":[]}\n");
        var output = Path.Combine(_home, "out.jsonl");
        var r = Runner().Run("sanitize", input, "-o", output);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(File.ReadAllLines(output));
        Snapshot.Match(Golden(r), "Cli", "sanitize-refused.txt");
    }

    [Fact]
    public void An_invalid_line_stops_with_its_line_number_and_no_output_file()
    {
        var input = Path.Combine(_home, "bad.jsonl");
        File.WriteAllText(input, "{\"provider\":\"claude\",\"tools\":[]}\n{not json\n");
        var output = Path.Combine(_home, "out.jsonl");
        var r = Runner().Run("sanitize", input, "-o", output);
        Assert.Equal(2, r.ExitCode);
        Assert.False(File.Exists(output));
        Snapshot.Match(Golden(r), "Cli", "sanitize-invalid.txt");
    }

    [Fact]
    public void Seed_without_compat_is_a_usage_error()
    {
        var r = Runner().Run("sanitize", "x.jsonl", "-o", "y.jsonl", "--seed", "s");
        Assert.Equal(1, r.ExitCode);
        Snapshot.Match(Golden(r), "Cli", "sanitize-seed-without-compat.txt");
    }

    [Fact]
    public void Missing_input_fails_with_exit_2_and_a_json_envelope()
    {
        var r = Runner().Run("sanitize", Path.Combine(_home, "nope.jsonl"), "-o", "y.jsonl", "--json");
        Assert.Equal(2, r.ExitCode);
        Snapshot.Match(Golden(r), "Cli", "sanitize-missing-json.txt");
    }
}
