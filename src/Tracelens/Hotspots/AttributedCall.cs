using Tracelens.Model;

namespace Tracelens.Hotspots;

/// <summary>
/// One tool call with what it cost afterwards (burn-spec §4.4): the tokens its result added to the
/// next step's new input (<see cref="InitialTokens"/>) and the cache reads it took while it stayed in
/// the context (<see cref="PersistenceTokens"/>, over <see cref="RidingTurns"/> later steps).
/// </summary>
public sealed class AttributedCall
{
    public required string SessionId { get; init; }
    public required Provider Provider { get; init; }
    public required long StepId { get; init; }
    public required long RoundIndex { get; init; }
    public string? StartedAt { get; init; }
    public string? Model { get; init; }
    public string? Cwd { get; init; }

    /// <summary>The name as the harness recorded it (<c>exec_command</c>, <c>bash</c>, <c>Bash</c>).</summary>
    public string? ToolName { get; init; }

    /// <summary>The name folded onto Claude's (<c>Bash</c>, <c>Read</c>, <c>Edit</c>; <see cref="Readers.ToolTargets.CanonicalName"/>).</summary>
    public required string CanonicalName { get; init; }

    public string? Target { get; init; }
    public string? ShellVerb { get; init; }
    public string? SubagentType { get; init; }
    public bool? IsError { get; init; }

    /// <summary>The raw input JSON; loaded only for the calls findings compare (errors, edits).</summary>
    public byte[]? InputJson { get; init; }

    /// <summary>Result size in code points as the ledger records it (<c>result_chars</c>).</summary>
    public long? ResultChars { get; init; }

    /// <summary>UTF-8 bytes of the result the model was shown (<c>output_bytes</c>).</summary>
    public long? OutputBytes { get; init; }

    /// <summary>Cut by the harness: a truncation marker, or a shell result at the configured length (README, "Truncation").</summary>
    public bool Truncated { get; init; }

    /// <summary>burn's <c>approxTokens</c>: result bytes / 4 rounded up (code points / 4 when bytes are unknown); 0 without a result.</summary>
    public long SizeTokens { get; init; }

    /// <summary>The emitting step's cost (null: unpriced) and tokens, which findings add up.</summary>
    public decimal? StepCost { get; init; }

    public long StepTokens { get; init; }

    public decimal InitialTokens { get; internal set; }
    public decimal PersistenceTokens { get; internal set; }
    public int RidingTurns { get; internal set; }

    /// <summary>USD of the initial and persistence tokens (0 for the part paid by unpriced steps).</summary>
    public decimal Cost { get; internal set; }

    /// <summary>Some of the steps that paid for this call have no price, so <see cref="Cost"/> leaves them out.</summary>
    public bool PartlyUnpriced { get; internal set; }
}
