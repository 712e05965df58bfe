using Tracelens.Pricing;

namespace Tracelens.Reports;

/// <summary>
/// Whether a recorded model name is the model a user asked for: the same name, or one that differs
/// only by a provider path, a date or version suffix or <c>-latest</c>, compared case-insensitively
/// with dots as dashes (<c>claude-sonnet-4.5</c> asks for <c>anthropic/claude-sonnet-4-5-20250929</c>).
/// A different size or version (<c>-mini</c>, <c>-4-6</c>) is a different model.
/// </summary>
public static class ModelMatch
{
    public static bool Matches(string? recorded, string requested) =>
        recorded is not null
        && (string.Equals(recorded, requested, StringComparison.Ordinal)
            || string.Equals(ModelNames.Normalized(recorded), ModelNames.Normalized(requested), StringComparison.Ordinal));
}
