using System.Collections.Concurrent;

namespace Tracelens.Readers;

/// <summary>A line a reader skipped, with why.</summary>
public sealed record SkippedLine(string File, long Line, string Reason);

/// <summary>
/// What readers skipped, by reason, with the first examples kept verbatim (file, line, reason).
/// Readers never throw on bad input: they record it here and go on. Thread-safe.
/// </summary>
public sealed class ReadDiagnostics
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SkippedLine> _examples = new();
    private int _exampleCount;

    public ReadDiagnostics(int maxExamples = 50) => MaxExamples = maxExamples;

    public int MaxExamples { get; }

    /// <summary>Skipped-line counts by reason category.</summary>
    public IReadOnlyDictionary<string, long> CountsByReason => _counts;

    public IEnumerable<SkippedLine> Examples => _examples;

    public long TotalSkipped => _counts.Values.Sum();

    /// <summary>Records a skipped line. <paramref name="category"/> groups counts; <paramref name="detail"/> explains this one.</summary>
    public void Skip(string file, long line, string category, string? detail = null)
    {
        _counts.AddOrUpdate(category, 1, (_, n) => n + 1);
        if (Interlocked.Increment(ref _exampleCount) <= MaxExamples)
        {
            _examples.Enqueue(new SkippedLine(file, line, detail is null ? category : $"{category}: {detail}"));
        }
    }
}
