namespace Tracelens.Pricing;

/// <summary>Where one vendor's prices were taken from, and when.</summary>
public sealed record PriceSource(string Vendor, string Source, string Retrieved, string? PricingPage, string? Note);
