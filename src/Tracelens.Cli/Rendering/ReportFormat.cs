using System.Globalization;
using System.Text.Json;
using Tracelens.Model;
using Tracelens.Reports;

namespace Tracelens.Cli.Rendering;

/// <summary>How reports print numbers, money, times and filters, in tables and in JSON.</summary>
public static class ReportFormat
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Count(long n) => n.ToString("N0", Inv);

    /// <summary><c>1 day</c>, <c>2 days</c> (English plurals with an s, which is all reports need).</summary>
    public static string Count(long n, string noun) => $"{Count(n)} {noun}{(n == 1 ? string.Empty : "s")}";

    /// <summary>
    /// USD for a table: 2 decimals from $1 up, 3 below, 4 below a cent (burn's rule); <c>unpriced</c>
    /// when nothing is priced, and a trailing <c>*</c> when some steps are not in the amount.
    /// </summary>
    public static string Money(PricedUsage usage) => usage.Cost is { } cost ? Money(cost) + (usage.IsPartiallyPriced ? "*" : string.Empty) : "unpriced";

    public static string Money(decimal usd)
    {
        var abs = Math.Abs(usd);
        var format = usd == 0 ? "0.00" : abs < 0.01m ? "0.0000" : abs < 1m ? "0.000" : "#,##0.00";
        return "$" + usd.ToString(format, Inv);
    }

    public static string Rate(double? ratio) => ratio is { } r ? (r * 100).ToString("0.0", Inv) + "%" : "-";

    public static string Amount(double? value) => value is { } v ? v.ToString("#,##0.0", Inv) : "-";

    public static string Duration(TimeSpan? span) => span switch
    {
        null => "-",
        { TotalHours: >= 1 } s => string.Create(Inv, $"{(int)s.TotalHours}h {s.Minutes:00}m"),
        { } s => string.Create(Inv, $"{s.Minutes}m {s.Seconds:00}s"),
    };

    /// <summary>A stored UTC timestamp as local <c>yyyy-MM-dd HH:mm</c> in <paramref name="zone"/>.</summary>
    public static string LocalTime(string? stored, TimeZoneInfo zone) =>
        ReportTime.ParseStored(stored) is { } t ? TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd HH:mm", Inv) : "-";

    /// <summary>The filters in effect, for the first line of a human report; empty when there are none.</summary>
    public static string Filters(ReportFilter f)
    {
        var parts = new List<string>();
        if (f.Since is { } since)
        {
            parts.Add("since " + LocalTime(ReportTime.ToStored(since), f.TimeZone));
        }

        if (f.Until is { } until)
        {
            parts.Add("before " + LocalTime(ReportTime.ToStored(until), f.TimeZone));
        }

        if (f.Project is { } project)
        {
            parts.Add("project " + project);
        }

        if (f.Session is { } session)
        {
            parts.Add("session " + session);
        }

        if (f.Providers.Count > 0)
        {
            parts.Add("provider " + string.Join(",", f.Providers.Select(p => p.WireName())));
        }

        if (f.Model is { } model)
        {
            parts.Add("model " + model);
        }

        return string.Join(", ", parts);
    }

    /// <summary>Tells stderr which models have no price (their tokens still count; their cost is left out, never $0).</summary>
    public static void WarnUnpriced(CliIo io, string verb, IEnumerable<ModelUsage> unpriced)
    {
        var list = unpriced.ToList();
        WarnUnpriced(io, verb, list.Select(u => u.Model), list.Sum(u => u.Usage.UnpricedSteps));
    }

    public static void WarnUnpriced(CliIo io, string verb, IEnumerable<string> models, long steps)
    {
        var names = models.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (names.Count == 0)
        {
            return;
        }

        io.Err.WriteLine(
            $"tracelens {verb}: warning: no price for {string.Join(", ", names)} ({Count(steps, "step")}): their tokens are counted, their cost is not (a * marks costs that leave them out). Price them in ~/.tracelens/prices.json; see `tracelens prices --model NAME`.");
    }

    public static TextColumn Right(string header) => new TextColumn(header).AlignRight().NoWrap();

    // The JSON pieces live in the SDK (ReportJson) so the dashboard's API writes the same bytes; these keep the commands' call sites short.
    public static void WriteUsd(Utf8JsonWriter j, string name, decimal? usd) => ReportJson.WriteUsd(j, name, usd);

    public static void WriteRatio(Utf8JsonWriter j, string name, double? value, int decimals)
    {
        if (value is { } v)
        {
            j.WriteNumber(name, Math.Round(v, decimals, MidpointRounding.ToEven));
        }
        else
        {
            j.WriteNull(name);
        }
    }

    public static void WriteTokens(Utf8JsonWriter j, string name, TokenCounts t) => ReportJson.WriteTokens(j, name, t);

    public static void WriteFilters(Utf8JsonWriter j, ReportFilter f) => ReportJson.WriteFilters(j, f);

    public static void WriteStopReasons(Utf8JsonWriter j, IReadOnlyList<StopReasonCount> reasons) => ReportJson.WriteStopReasons(j, reasons);

    /// <summary>Turn outcomes for a human report: the non-zero stop reasons, most common first.</summary>
    public static string StopReasons(IReadOnlyList<StopReasonCount> reasons) =>
        string.Join(", ", reasons.Where(r => r.Steps > 0).OrderByDescending(r => r.Steps).Select(r => $"{Count(r.Steps)} {r.Reason}"));
}
