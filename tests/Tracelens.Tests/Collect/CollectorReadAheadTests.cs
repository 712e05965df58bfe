using Tracelens.Collect;
using Tracelens.Model;
using Xunit;

namespace Tracelens.Tests.Collect;

/// <summary>
/// The collector's readers run ahead of its in-order consumer by a budget of file bytes: many
/// small files behind a slow head of the line are read meanwhile, the budget bounds how far, and
/// a file bigger than the whole budget is still read.
/// </summary>
public sealed class CollectorReadAheadTests : IDisposable
{
    private const int Files = 120;
    private readonly string _home = Directory.CreateTempSubdirectory("tracelens-readahead-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    /// <summary>One small Claude transcript per session, one step each.</summary>
    private List<SessionLog> SmallTranscripts()
    {
        var project = Directory.CreateDirectory(Path.Combine(_home, ".claude", "projects", "-tmp-p")).FullName;
        for (var i = 0; i < Files; i++)
        {
            File.WriteAllLines(Path.Combine(project, $"s{i:D3}.jsonl"),
            [
                """{"type":"user","timestamp":"2026-01-01T00:00:00Z","message":{"role":"user","content":"hi"}}""",
                $$$"""{"type":"assistant","timestamp":"2026-01-01T00:00:01Z","requestId":"req_{{{i}}}","message":{"id":"msg_{{{i}}}","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":"end_turn","usage":{"input_tokens":10,"output_tokens":5""" + "}}}",
            ]);
        }

        var logs = LogDiscovery.Discover(new DiscoveryOptions { Home = _home, ClaudeConfigDirs = null, CodexHome = null, XdgDataHome = null });
        Assert.Equal(Files, logs.Count);
        return logs;
    }

    /// <summary>
    /// Collects with a consumer that stops at its first step until the readers have prepared
    /// <paramref name="awaited"/> steps or <paramref name="patience"/> has passed; returns how many
    /// were prepared by then, and the steps in the order consumed.
    /// </summary>
    private (int PreparedWhileBlocked, List<string> Consumed) CollectBlockingAtFirstStep(List<SessionLog> logs, long readAheadBytes, int awaited, TimeSpan patience)
    {
        var prepared = 0;
        var preparedWhileBlocked = -1;
        var consumed = new List<string>();
        new Collector(parallelism: 2) { ReadAheadBytes = readAheadBytes }.Run(logs, _home, step =>
        {
            Interlocked.Increment(ref prepared);
            return 0;
        }, (step, _) =>
        {
            if (preparedWhileBlocked < 0)
            {
                SpinWait.SpinUntil(() => Volatile.Read(ref prepared) >= awaited, patience);
                preparedWhileBlocked = Volatile.Read(ref prepared);
            }

            consumed.Add(step.TraceKey!);
        });
        return (preparedWhileBlocked, consumed);
    }

    [Fact]
    public void Readers_go_through_many_small_files_while_the_consumer_waits_on_the_first()
    {
        var logs = SmallTranscripts();
        var (whileBlocked, consumed) = CollectBlockingAtFirstStep(logs, readAheadBytes: 256L << 20, awaited: Files, TimeSpan.FromSeconds(20));

        // Every file was read while the consumer held the first (a window of 32 files stopped at 33).
        Assert.Equal(Files, whileBlocked);
        Assert.Equal(logs.Select(l => $"claude:claude:{Path.GetFileNameWithoutExtension(l.Path)}:msg_{int.Parse(Path.GetFileNameWithoutExtension(l.Path)[1..], System.Globalization.CultureInfo.InvariantCulture)}"), consumed);
    }

    [Fact]
    public async Task The_budget_bounds_how_far_readers_run_ahead_and_a_file_bigger_than_it_is_still_read()
    {
        var logs = SmallTranscripts();
        var size = logs.Max(l => l.Length);

        // A budget of about ten files: the readers stop near there while the consumer waits.
        var (whileBlocked, consumed) = CollectBlockingAtFirstStep(logs, readAheadBytes: 10 * size, awaited: Files, TimeSpan.FromMilliseconds(500));
        Assert.InRange(whileBlocked, 1, 12);
        Assert.Equal(Files, consumed.Count);

        // A budget smaller than any file: one file at a time, all of them, in order.
        // (On a thread of its own, so that a deadlock fails the test instead of hanging it.)
        var (_, oneByOne) = await Task.Run(() => CollectBlockingAtFirstStep(logs, readAheadBytes: 1, awaited: 1, TimeSpan.Zero))
            .WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(consumed, oneByOne);
    }
}
