using System.Security.Cryptography;
using Tracelens.Model;
using Tracelens.Synth;
using Xunit;

namespace Tracelens.Tests.Synth;

public class SyntheticHistoryTests
{
    [Fact]
    public void Same_seed_and_size_give_identical_bytes_whatever_the_parallelism()
    {
        using var a = new TempDir("synth-a");
        using var b = new TempDir("synth-b");
        var sa = SyntheticHistory.Generate(new SynthOptions { OutputDirectory = a.Path, Seed = 5, TargetBytes = 3_000_000, MaxDegreeOfParallelism = 2 });
        var sb = SyntheticHistory.Generate(new SynthOptions { OutputDirectory = b.Path, Seed = 5, TargetBytes = 3_000_000, MaxDegreeOfParallelism = 1 });

        var ha = HashTree(a.Path);
        var hb = HashTree(b.Path);
        Assert.True(ha.Count > 10, $"expected a non-trivial tree, got {ha.Count} files");
        Assert.Equal(ha.Keys.Order(StringComparer.Ordinal), hb.Keys.Order(StringComparer.Ordinal));
        foreach (var (file, hash) in ha)
        {
            Assert.True(hash == hb[file], $"{file} differs between runs");
        }

        Assert.Equal(Folders(a.Path), Folders(b.Path));
        Assert.Equal(sa.Bytes, sb.Bytes);
        Assert.Equal(sa.GroundTruth.ToJson(), sb.GroundTruth.ToJson());
    }

    [Fact]
    public void Progress_reports_every_finished_session()
    {
        using var dir = new TempDir("synth-progress");
        var reports = new List<SynthProgress>();
        var s = SyntheticHistory.Generate(new SynthOptions
        {
            OutputDirectory = dir.Path,
            TargetBytes = 1_000_000,
            MaxDegreeOfParallelism = 1,
            Progress = new Collect(reports),
        });

        Assert.Equal(0, s.DiscardedSessions);
        Assert.Equal(Enumerable.Range(1, s.Sessions), reports.Select(r => r.Sessions));
        Assert.Equal(s.Bytes, reports[^1].Bytes);
        Assert.Equal(s.AssistantRecords, reports[^1].AssistantRecords);
    }

    [Fact]
    public void Folders_emptied_by_discarded_sessions_are_removed()
    {
        using var dir = new TempDir("synth-prune");
        var root = Path.Combine(dir.Path, "sessions");
        Directory.CreateDirectory(Path.Combine(root, "2026", "01", "05"));
        Directory.CreateDirectory(Path.Combine(root, "2026", "01", "06"));
        Directory.CreateDirectory(Path.Combine(root, "proj", "0a1b", "subagents"));
        File.WriteAllText(Path.Combine(root, "2026", "01", "06", "rollout.jsonl"), "{}\n");

        SyntheticHistory.RemoveEmptyDirectories(root);

        Assert.Equal(["2026", "2026/01", "2026/01/06"], Folders(root));
        Assert.True(File.Exists(Path.Combine(root, "2026", "01", "06", "rollout.jsonl")));
    }

    [Fact]
    public void Cancellation_stops_the_run()
    {
        using var dir = new TempDir("synth-cancel");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            SyntheticHistory.Generate(new SynthOptions { OutputDirectory = dir.Path, TargetBytes = 1_000_000 }, cts.Token));
        Assert.False(File.Exists(Path.Combine(dir.Path, GroundTruth.FileName)));
    }

    [Fact]
    public void Different_seeds_give_different_histories()
    {
        using var a = new TempDir("synth-s1");
        using var b = new TempDir("synth-s2");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = a.Path, Seed = 1, TargetBytes = 1_000_000 });
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = b.Path, Seed = 2, TargetBytes = 1_000_000 });

        var ha = HashTree(a.Path);
        var hb = HashTree(b.Path);
        Assert.Empty(ha.Keys.Where(k => k != GroundTruth.FileName).Intersect(hb.Keys));
        Assert.NotEqual(ha[GroundTruth.FileName], hb[GroundTruth.FileName]);
    }

    [Theory]
    [InlineData(1_500_000L)]
    [InlineData(6_000_000L)]
    public void Size_target_is_met_within_one_session_of_tolerance(long target)
    {
        using var dir = new TempDir("synth-size");
        var s = SyntheticHistory.Generate(new SynthOptions { OutputDirectory = dir.Path, Seed = 9, TargetBytes = target });

        var onDisk = Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != GroundTruth.FileName)
            .Sum(f => new FileInfo(f).Length);
        Assert.Equal(onDisk, s.Bytes);
        Assert.Equal(s.Bytes, s.GroundTruth.TotalBytes);
        // Whole sessions are kept, so the overshoot is at most about one session (sessions are capped at target/25).
        Assert.InRange(s.Bytes, target, target + Math.Max(target / 4, 600_000));
        Assert.True(s.Sessions >= 8, $"only {s.Sessions} sessions for {target} bytes");
    }

    [Fact]
    public void Record_target_counts_model_written_records()
    {
        using var dir = new TempDir("synth-records");
        var s = SyntheticHistory.Generate(new SynthOptions { OutputDirectory = dir.Path, Seed = 4, TargetAssistantRecords = 1_500 });

        Assert.InRange(s.AssistantRecords, 1_500, 1_500 * 5 / 4);
        var counts = s.GroundTruth.Providers.Values.Sum(p => p.Counts.AssistantRecords);
        Assert.Equal(s.AssistantRecords, counts);
        Assert.Null(s.GroundTruth.TargetBytes);
        Assert.Equal(1_500, s.GroundTruth.TargetAssistantRecords);
    }

    [Fact]
    public void Provider_selection_limits_what_is_written()
    {
        using var dir = new TempDir("synth-codex");
        var s = SyntheticHistory.Generate(new SynthOptions { OutputDirectory = dir.Path, Seed = 3, TargetBytes = 800_000, Providers = [Provider.Codex] });

        Assert.False(Directory.Exists(Path.Combine(dir.Path, ".claude")));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(dir.Path, ".codex", "sessions"), "rollout-*.jsonl", SearchOption.AllDirectories));
        Assert.Equal(["codex"], s.GroundTruth.Providers.Keys);
    }

    [Fact]
    public void Refuses_a_foreign_non_empty_directory_and_overwrites_only_its_own_output()
    {
        using var dir = new TempDir("synth-guard");
        Directory.CreateDirectory(dir.Path);
        File.WriteAllText(Path.Combine(dir.Path, "notes.txt"), "keep me");
        Assert.Throws<IOException>(() => SyntheticHistory.Generate(new SynthOptions { OutputDirectory = dir.Path, TargetBytes = 100_000 }));

        File.Delete(Path.Combine(dir.Path, "notes.txt"));
        var first = SyntheticHistory.Generate(new SynthOptions { OutputDirectory = dir.Path, Seed = 1, TargetBytes = 300_000 });
        Assert.Throws<IOException>(() => SyntheticHistory.Generate(new SynthOptions { OutputDirectory = dir.Path, Seed = 2, TargetBytes = 300_000 }));

        var second = SyntheticHistory.Generate(new SynthOptions { OutputDirectory = dir.Path, Seed = 2, TargetBytes = 300_000, Overwrite = true });
        var onDisk = Directory.EnumerateFiles(dir.Path, "*.jsonl", SearchOption.AllDirectories).Count();
        Assert.Equal(second.GroundTruth.Providers.Values.Sum(p => p.Counts.Files), onDisk);
        Assert.NotEqual(first.GroundTruth.ToJson(), second.GroundTruth.ToJson());
    }

    [Fact]
    public void Rejects_unsupported_options()
    {
        using var dir = new TempDir("synth-bad");
        Assert.Throws<ArgumentException>(() => SyntheticHistory.Generate(new SynthOptions { OutputDirectory = dir.Path, Providers = [Provider.OpenCode] }));
        Assert.Throws<ArgumentException>(() => SyntheticHistory.Generate(new SynthOptions { OutputDirectory = dir.Path, TargetBytes = 0 }));
    }

    [Fact]
    public void Project_folder_encodes_every_non_alphanumeric_character()
    {
        Assert.Equal("-home-dev-work-acme-io", SessionPlan.EncodeCwd("/home/dev/work/acme.io"));
        Assert.Equal("-home-dev-data-etl", SessionPlan.EncodeCwd("/home/dev/data_etl"));
    }

    private static List<string> Folders(string root) =>
        [.. Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories)
            .Select(d => Path.GetRelativePath(root, d).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    private sealed class Collect(List<SynthProgress> into) : IProgress<SynthProgress>
    {
        public void Report(SynthProgress value) => into.Add(value);
    }

    private static Dictionary<string, string> HashTree(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(
                f => Path.GetRelativePath(root, f).Replace('\\', '/'),
                f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))),
                StringComparer.Ordinal);
}
