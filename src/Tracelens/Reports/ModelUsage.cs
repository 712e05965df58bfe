namespace Tracelens.Reports;

/// <summary>The usage of one model name (as recorded) within a report or a row.</summary>
public sealed record ModelUsage(string Model, PricedUsage Usage);

/// <summary>Steps that ended with one stop reason (<c>end-turn</c>, <c>tool-use</c>, …, <c>none</c>).</summary>
public sealed record StopReasonCount(string Reason, long Steps);
