namespace Tracelens.Hotspots;

/// <summary>How a session's step input was split between its tool calls.</summary>
public enum AttributionMethod
{
    /// <summary>Result sizes are known: each call's share follows its size.</summary>
    Sized,

    /// <summary>No result has a size: each step's new input is split evenly between the calls before it.</summary>
    EvenSplit,

    /// <summary>The session made no tool calls: everything is unattributed.</summary>
    NoToolCalls,
}

/// <summary>One session's total cost and the part its tool calls account for.</summary>
public sealed record SessionAttribution(
    string SessionId,
    AttributionMethod Method,
    long Steps,
    long UnpricedSteps,
    long UnpricedTokens,
    decimal GrandCost,
    decimal AttributedCost)
{
    /// <summary>Output, reasoning, system prompt and everything no tool call explains.</summary>
    public decimal UnattributedCost => GrandCost - AttributedCost;
}
