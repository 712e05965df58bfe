using Microsoft.AspNetCore.Http;
using Tracelens.Model;
using Tracelens.Reports;

namespace Tracelens.Web.Endpoints;

/// <summary>A query parameter is wrong (400, with the same wording the CLI gives its option).</summary>
public sealed class BadRequestException(string message) : Exception(message);

/// <summary>
/// The report filter from query parameters named like the CLI's options (<c>since</c>, <c>until</c>,
/// <c>provider</c>, <c>project</c>, <c>session</c>, <c>model</c>, <c>timezone</c>), read through the
/// same SDK parsers as <c>--since</c>, <c>--timezone</c> and <c>--provider</c>.
/// </summary>
public static class RequestFilter
{
    public static ReportFilter Parse(IQueryCollection query, TimeZoneInfo defaultZone, DateTimeOffset now)
    {
        TimeZoneInfo zone;
        try
        {
            zone = Text(query, "timezone") is { } name ? ReportTime.FindZone(name) : defaultZone;
        }
        catch (TimeZoneNotFoundException e)
        {
            throw new BadRequestException($"timezone: {e.Message}");
        }

        DateTimeOffset? Bound(string name, bool isUntil)
        {
            try
            {
                return Text(query, name) is { } text ? ReportTime.ParseBound(text, isUntil, now, zone) : null;
            }
            catch (FormatException e)
            {
                throw new BadRequestException($"{name}: {e.Message}");
            }
        }

        var providers = new List<Provider>();
        foreach (var name in query["provider"].SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            providers.Add(Providers.TryParse(name.ToLowerInvariant(), out var p) ? p : throw new BadRequestException($"provider: '{name}' is not claude, codex or opencode"));
        }

        var filter = new ReportFilter
        {
            Since = Bound("since", isUntil: false),
            Until = Bound("until", isUntil: true),
            Project = Text(query, "project"),
            Session = Text(query, "session"),
            Providers = providers,
            Model = Text(query, "model"),
            TimeZone = zone,
        };
        return filter.Since >= filter.Until ? throw new BadRequestException("since must be before until") : filter;
    }

    /// <summary>A parameter's value, null when absent or empty (an empty box in the page's filter bar).</summary>
    public static string? Text(IQueryCollection query, string name) => query[name].ToString() is { Length: > 0 } v ? v.Trim() : null;
}
