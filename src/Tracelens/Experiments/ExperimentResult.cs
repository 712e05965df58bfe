namespace Tracelens.Experiments;

/// <summary>One file an experiment wrote and how many data rows it holds (CSV rows without the header, table rows, JSON scopes).</summary>
public sealed record ExperimentOutput(string FileName, long Rows);

/// <summary>
/// What an experiment reports about its run; the runner adds it to the experiment's
/// <c>manifest.json</c>. Filters say in words which steps were used; counts say how many.
/// </summary>
public sealed record ExperimentResult
{
    public required IReadOnlyList<ExperimentOutput> Outputs { get; init; }

    /// <summary>Eligibility rules applied, one sentence each.</summary>
    public IReadOnlyList<string> Filters { get; init; } = [];

    /// <summary>Named counts (steps used, pairs formed, sessions emitted…), in a stable order.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Counts { get; init; } = [];

    /// <summary>Settings that shaped the output (seed, grouping…), in a stable order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];
}
