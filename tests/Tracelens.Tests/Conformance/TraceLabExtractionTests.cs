using System.Text;
using Tracelens.Export;
using Tracelens.Model;
using Tracelens.Readers;
using Tracelens.Readers.Claude;
using Tracelens.Readers.Codex;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Conformance;

/// <summary>
/// Extraction of TraceLab's public example sessions must reproduce TraceLab's own output byte for
/// byte (tracelab-spec §12.2), with the overrides its README gives.
/// </summary>
public class TraceLabExtractionTests
{
    private const string CodexFile = "rollout-2026-03-21T10-05-38-01a7c9e4-6d12-7b3a-9f42-8c6d5e1a0b73.jsonl";

    internal static List<AgentStep> ExtractFixture()
    {
        var diagnostics = new ReadDiagnostics();
        var claude = new ClaudeSessionReader(diagnostics).Read(new ClaudeSessionSource(
            TestPaths.Shared("conformance", "tracelab", "raw", "claude-public-example.jsonl"),
            "example-claude-session", "claude-public-example", "example_sessions/claude/trace.json"));
        foreach (var s in claude)
        {
            s.Home = "/home/user";
            s.User = "user";
            s.Store = ".claude";
            s.StampTraceKey();
        }

        var codex = new CodexSessionReader(diagnostics).Read(new CodexSessionSource(
            TestPaths.Shared("conformance", "tracelab", "raw", CodexFile), "example_sessions/codex/trace.json"));
        foreach (var s in codex)
        {
            s.Home = "/home/user";
            s.User = "user";
            s.Store = ".codex";
            s.StampTraceKey();
        }

        Assert.Equal(0, diagnostics.TotalSkipped);
        return [.. claude, .. codex];
    }

    internal static string ExpectedRows() =>
        File.ReadAllText(TestPaths.Shared("conformance", "tracelab", "expected", "round_trace.jsonl"), Encoding.UTF8);

    [SharedFact]
    public void Claude_and_codex_rows_equal_tracelab_output_byte_for_byte()
    {
        var expected = ExpectedRows().Split('\n');
        var actual = ExtractFixture().Select(TraceLabRowWriter.Serialize).ToList();
        Assert.Equal(expected.Length - 1, actual.Count);
        for (var i = 0; i < actual.Count; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }
    }

    [SharedFact]
    public void Whole_file_serialization_is_identical_including_final_newline()
    {
        using var ms = new MemoryStream();
        TraceLabRowWriter.WriteAll(ms, ExtractFixture());
        Assert.Equal(File.ReadAllBytes(TestPaths.Shared("conformance", "tracelab", "expected", "round_trace.jsonl")), ms.ToArray());
    }
}
