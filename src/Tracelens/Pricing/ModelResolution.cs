namespace Tracelens.Pricing;

/// <summary>How a model name found its price (see <see cref="PriceBook.Resolve"/>).</summary>
public enum ResolutionRule
{
    /// <summary>The name is a key of the table.</summary>
    Exact,

    /// <summary>The name matched after dropping a provider prefix, a date or version suffix, or spelling dots as dashes.</summary>
    Normalized,

    /// <summary>The (normalized) name is an alias of a key.</summary>
    Alias,

    /// <summary>The normalized name starts with the longest key that is not a different model version or size.</summary>
    Prefix,
}

/// <summary>A model name and the price it resolved to.</summary>
public sealed record ModelResolution(string Model, ModelPrice Price, ResolutionRule Rule)
{
    /// <summary>The rule's lower-case name, as written in JSON output.</summary>
    public string RuleName => Rule switch
    {
        ResolutionRule.Exact => "exact",
        ResolutionRule.Normalized => "normalized",
        ResolutionRule.Alias => "alias",
        ResolutionRule.Prefix => "prefix",
        _ => throw new ArgumentOutOfRangeException(nameof(Rule)),
    };
}
