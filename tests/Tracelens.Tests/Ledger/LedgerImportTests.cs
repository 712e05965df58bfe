using System.Globalization;
using System.IO.Compression;
using Microsoft.Data.Sqlite;
using Tracelens.Synth;
using Tracelens.Tests.Cli;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Ledger;

/// <summary><c>tracelens import</c>: TraceLab traces into the ledger, and back out byte for byte.</summary>
public sealed class LedgerImportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracelens-import-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string LedgerPath => Path.Combine(_dir, ".tracelens", "ledger.db");

    private byte[] Export(CliRunner runner)
    {
        var exported = Path.Combine(_dir, $"exported-{Guid.NewGuid():N}.jsonl");
        var r = runner.Run("export", "--format", "tracelab", "-o", exported);
        Assert.Equal(0, r.ExitCode);
        return File.ReadAllBytes(exported);
    }

    private long Steps()
    {
        using var connection = new SqliteConnection($"Data Source={LedgerPath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return Convert.ToInt64(new SqliteCommand("SELECT count(*) FROM steps;", connection).ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    [SharedTheory]
    [InlineData("round_trace.jsonl")]
    [InlineData("sanitized_round_trace.seed-derived-example-v2.jsonl")]
    [InlineData("sanitized_legacy_round_trace.jsonl")]
    public void A_tracelab_trace_imports_and_exports_byte_for_byte(string name)
    {
        var trace = TestPaths.Shared("conformance", "tracelab", "expected", name);
        var runner = new CliRunner { Home = _dir };
        var r = runner.Run("import", trace);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("19 rows, 19 steps added", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(trace), Export(runner));
    }

    [Fact]
    public void A_generated_trace_round_trips_plain_gzip_and_sanitized()
    {
        var home = Path.Combine(_dir, "gen");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 21, TargetBytes = 2_000_000 });
        var collector = new CliRunner { Home = Path.Combine(_dir, "collector") };
        var trace = Path.Combine(_dir, "trace.jsonl");
        Assert.Equal(0, collector.Run("collect", "--home", home, "-o", trace).ExitCode);
        var gz = Path.Combine(_dir, "trace.jsonl.gz");
        using (var output = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
        {
            output.Write(File.ReadAllBytes(trace));
        }

        var sanitized = Path.Combine(_dir, "sanitized.jsonl");
        Assert.Equal(0, collector.Run("sanitize", trace, "-o", sanitized).ExitCode);

        foreach (var (input, expected) in new[] { (trace, trace), (gz, trace), (sanitized, sanitized) })
        {
            var runner = new CliRunner { Home = Path.Combine(_dir, Guid.NewGuid().ToString("N")) };
            Assert.Equal(0, runner.Run("import", input).ExitCode);
            var exported = Path.Combine(_dir, $"exported-{Guid.NewGuid():N}.jsonl");
            Assert.Equal(0, runner.Run("export", "-o", exported).ExitCode);
            Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(exported));
        }
    }

    [Fact]
    public void A_bulk_import_that_indexes_at_the_end_builds_the_same_ledger_and_a_failed_one_keeps_every_index()
    {
        var home = Path.Combine(_dir, "gen");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 5, TargetBytes = 2_000_000 });
        var trace = Path.Combine(_dir, "trace.jsonl");
        Assert.Equal(0, new CliRunner { Home = Path.Combine(_dir, "collector") }.Run("collect", "--home", home, "-o", trace).ExitCode);
        // The same rows under a second name: every one is a duplicate the second time.
        var again = Path.Combine(_dir, "again.jsonl");
        File.Copy(trace, again);

        string Build(long bulkMinimum, bool anotherReader = false)
        {
            var path = Path.Combine(_dir, $"ledger-{bulkMinimum}-{anotherReader}.db");
            using var ledger = Tracelens.Ledger.LedgerDatabase.Open(path);
            // A second connection (a dashboard, a report) keeps the ledger in WAL mode: the load takes the WAL path.
            using var reader = anotherReader ? Tracelens.Ledger.LedgerDatabase.Open(path) : null;
            var importer = new Tracelens.Ledger.TraceImporter(ledger) { BulkLoadMinimumSteps = bulkMinimum };
            Assert.True(importer.Import(trace).StepsAdded > 0);
            Assert.Equal(0, importer.Import(again).StepsAdded);
            return Dump(ledger.Connection);
        }

        var deferred = Build(bulkMinimum: 1);
        var rowByRow = Build(bulkMinimum: long.MaxValue);
        Assert.Contains("index steps_usage", deferred, StringComparison.Ordinal);
        Assert.Equal(rowByRow, deferred);
        Assert.Equal(rowByRow, Build(bulkMinimum: 1, anotherReader: true));

        // A file that is not a trace fails after the indexes were dropped: the rollback restores them.
        var notATrace = Path.Combine(_dir, "notes.jsonl");
        File.WriteAllLines(notATrace, Enumerable.Range(0, 50).Select(i => $"{{\"note\": {i}}}"));
        using (var ledger = Tracelens.Ledger.LedgerDatabase.Open(Path.Combine(_dir, "ledger-1-False.db")))
        {
            Assert.Throws<InvalidDataException>(() => new Tracelens.Ledger.TraceImporter(ledger) { BulkLoadMinimumSteps = 0 }.Import(notATrace));
            Assert.Equal(deferred, Dump(ledger.Connection));
        }
    }

    /// <summary>The schema (every index's definition) and every row of the tables an import fills, in a fixed order.</summary>
    private static string Dump(SqliteConnection connection)
    {
        var text = new System.Text.StringBuilder();
        foreach (var query in new[]
        {
            "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_schema ORDER BY type, name",
            "SELECT * FROM steps ORDER BY id",
            "SELECT * FROM tool_calls ORDER BY step_id, tool_index",
            "SELECT * FROM sessions ORDER BY session_id",
            "SELECT id, provider, path, steps, kind FROM sources ORDER BY id",
        })
        {
            using var command = new SqliteCommand(query, connection);
            using var r = command.ExecuteReader();
            while (r.Read())
            {
                for (var i = 0; i < r.FieldCount; i++)
                {
                    text.Append(r.IsDBNull(i) ? "NULL" : Convert.ToString(r.GetValue(i) is byte[] b ? Convert.ToHexString(b) : r.GetValue(i), CultureInfo.InvariantCulture)).Append('|');
                }

                text.Append('\n');
            }
        }

        return text.ToString();
    }

    [SharedFact]
    public void Reimporting_an_unchanged_trace_does_nothing_and_a_changed_one_replaces_its_rows()
    {
        var trace = Path.Combine(_dir, "trace.jsonl");
        var lines = File.ReadAllLines(TestPaths.Shared("conformance", "tracelab", "expected", "round_trace.jsonl"));
        File.WriteAllLines(trace, lines[..10]);
        var runner = new CliRunner { Home = _dir };
        Assert.Equal(0, runner.Run("import", trace).ExitCode);
        Assert.Equal(10, Steps());

        var again = runner.Run("import", trace, "--json");
        Assert.Contains("\"unchanged\": true", again.Stdout, StringComparison.Ordinal);

        File.WriteAllLines(trace, lines);
        var changed = runner.Run("import", trace);
        Assert.Contains("19 rows, 19 steps added (10 replaced", changed.Stdout, StringComparison.Ordinal);
        Assert.Equal(19, Steps());
    }

    [Fact]
    public void Import_output_golden_and_refusals_of_a_missing_file_and_a_file_that_is_not_a_trace()
    {
        var home = Path.Combine(_dir, "gen");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 22, TargetBytes = 300_000 });
        var trace = Path.Combine(_dir, "trace.jsonl");
        var runner = new CliRunner { Home = _dir };
        Assert.Equal(0, runner.Run("collect", "--home", home, "-o", trace).ExitCode);
        // One bad line inside an otherwise good trace: reported with its line, the rest imported.
        var rows = File.ReadAllLines(trace).ToList();
        rows.Insert(2, "{\"provider\": \"claude\", \"round_index\": 0}");
        File.WriteAllLines(trace, rows);
        var imported = runner.Run("import", trace);
        var json = runner.Run("import", trace, "--json");

        var missing = runner.Run("import", Path.Combine(_dir, "nope.jsonl"));
        var raw = Directory.GetFiles(Path.Combine(home, ".claude"), "*.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var notTrace = runner.Run("import", raw);
        var notTraceJson = runner.Run("import", raw, "--json");
        Snapshot.Match(string.Join("\n", imported.Render((_dir, "<DIR>")), json.Render((_dir, "<DIR>")), missing.Render((_dir, "<DIR>")),
            notTrace.Render((_dir, "<DIR>")), notTraceJson.Render((_dir, "<DIR>"))), "Cli", "import.txt");
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal(2, notTrace.ExitCode);
        Assert.Equal(rows.Count - 1, Steps()); // the refused file stored nothing
    }
}
