using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tracelens.Dashboard;
using Tracelens.Experiments;
using Tracelens.Hotspots;
using Tracelens.Ledger;
using Tracelens.Pricing;
using Tracelens.Reports;

namespace Tracelens.Web.Endpoints;

/// <summary>
/// The JSON API under <c>/api</c>. Each endpoint parses its query, runs one SDK query and writes
/// its result; shapes shared with the CLI (<c>summary</c>, <c>sessions</c>, <c>hotspots</c>) come
/// from the same writers, so they are the CLI's <c>--json</c> documents. Shapes:
/// <c>src/Tracelens.Web/README.md</c>.
/// </summary>
public static class ApiEndpoints
{
    public static void MapApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/version", (HttpContext http) => Run(http, (ledger, _, _) => ReportJson.Document(j =>
        {
            j.WriteStartObject();
            j.WriteString("version", LedgerVersion.Read(ledger));
            j.WriteEndObject();
        }, indented: false)));
        api.MapGet("/summary", (HttpContext http) => Run(http, (ledger, prices, filter) =>
        {
            var by = Grouping(RequestFilter.Text(http.Request.Query, "by") ?? "model");
            return ReportJson.Document(j => ReportJson.WriteSummary(j, new UsageReports(ledger, prices).Usage(filter, by)));
        }));
        api.MapGet("/overview", (HttpContext http) => Run(http, (ledger, prices, filter) =>
            ReportJson.Document(j => DashboardJson.WriteOverview(j, new DashboardQueries(ledger, prices).Overview(filter)))));
        api.MapGet("/sessions", (HttpContext http) => Run(http, (ledger, prices, filter) =>
        {
            var query = http.Request.Query;
            var grep = RequestFilter.Text(query, "q");
            var limit = Integer(query, "limit", 200, min: 1);
            var order = RequestFilter.Text(query, "sort") switch
            {
                null or "recent" => SessionOrder.Recent,
                "cost" => SessionOrder.Cost,
                "steps" => SessionOrder.Steps,
                "duration" => SessionOrder.Duration,
                var other => throw new BadRequestException($"sort: '{other}' is not recent, cost, steps or duration"),
            };
            var list = new UsageReports(ledger, prices).Sessions(filter, grep, limit, order);
            return ReportJson.Document(j => ReportJson.WriteSessions(j, filter, grep, limit, list));
        }));
        api.MapGet("/sessions/{id}", (HttpContext http, string id) => Run(http, (ledger, prices, _) =>
            new DashboardQueries(ledger, prices).Timeline(id) is { } timeline
                ? ReportJson.Document(j => DashboardJson.WriteTimeline(j, timeline))
                : throw new NotFoundException($"no session '{id}' in the ledger")));
        api.MapGet("/hotspots", (HttpContext http) => Run(http, (ledger, prices, filter) =>
        {
            var query = http.Request.Query;
            var rank = (RequestFilter.Text(query, "rank-by") ?? "cost").ToLowerInvariant() switch
            {
                "cost" => HotspotRank.Cost,
                "bytes" => HotspotRank.Bytes,
                var other => throw new BadRequestException($"rank-by: '{other}' is not cost or bytes"),
            };
            var limit = Integer(query, "limit", 10, min: 0);
            var home = http.RequestServices.GetRequiredService<DashboardData>().Options.Home;
            var report = new HotspotAnalysis(ledger, prices, home).Attribute(filter, rank);
            return ReportJson.Document(j => HotspotJson.Write(j, report, only: null, HotspotJson.Dimensions, limit));
        }));
        api.MapGet("/experiments", (HttpContext http) => Json(http, StatusCodes.Status200OK, ReportJson.Document(j =>
        {
            j.WriteStartObject();
            j.WriteStartArray("experiments");
            foreach (var e in ExperimentCatalog.All)
            {
                j.WriteStartObject();
                j.WriteString("id", e.Id);
                j.WriteString("title", e.Title);
                j.WriteString("question", e.Question);
                j.WriteString("readme", ExperimentCatalog.Readme(e));
                j.WriteEndObject();
            }

            j.WriteEndArray();
            j.WriteEndObject();
        })));
    }

    /// <summary>No such thing (404).</summary>
    private sealed class NotFoundException(string message) : Exception(message);

    /// <summary>
    /// Runs one query over a fresh connection to the ledger and answers with its JSON; a bad parameter
    /// is 400, a missing ledger 503, an unknown id 404, an unusable ledger 500, each as the CLI's error
    /// envelope <c>{"error":{"code","message"}}</c>.
    /// </summary>
    private static Task Run(HttpContext http, Func<LedgerDatabase, PriceBook, ReportFilter, string> query)
    {
        var data = http.RequestServices.GetRequiredService<DashboardData>();
        try
        {
            var filter = RequestFilter.Parse(http.Request.Query, data.Options.DefaultTimeZone, DateTimeOffset.UtcNow);
            using var ledger = data.OpenLedger();
            if (ledger is null)
            {
                return Error(http, StatusCodes.Status503ServiceUnavailable, "no-ledger", $"no ledger at {data.Options.LedgerPath}; run `tracelens ingest` first");
            }

            return Json(http, StatusCodes.Status200OK, query(ledger, data.Prices, filter));
        }
        catch (BadRequestException e)
        {
            return Error(http, StatusCodes.Status400BadRequest, "usage", e.Message);
        }
        catch (NotFoundException e)
        {
            return Error(http, StatusCodes.Status404NotFound, "not-found", e.Message);
        }
        catch (LedgerException e)
        {
            return Error(http, StatusCodes.Status500InternalServerError, "ledger-error", e.Message);
        }
        catch (PriceFileException e)
        {
            return Error(http, StatusCodes.Status500InternalServerError, "bad-price-file", e.Message);
        }
    }

    private static Task Json(HttpContext http, int status, string json)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        return http.Response.WriteAsync(json + "\n");
    }

    private static Task Error(HttpContext http, int status, string code, string message) =>
        Json(http, status, ReportJson.Document(j =>
        {
            j.WriteStartObject();
            j.WriteStartObject("error");
            j.WriteString("code", code);
            j.WriteString("message", message);
            j.WriteEndObject();
            j.WriteEndObject();
        }));

    private static UsageGrouping Grouping(string by)
    {
        foreach (var g in Enum.GetValues<UsageGrouping>())
        {
            if (string.Equals(ReportJson.Name(g), by, StringComparison.OrdinalIgnoreCase))
            {
                return g;
            }
        }

        throw new BadRequestException($"by: '{by}' is not one of {string.Join(", ", Enum.GetValues<UsageGrouping>().Select(ReportJson.Name))}");
    }

    private static int Integer(IQueryCollection query, string name, int fallback, int min)
    {
        if (RequestFilter.Text(query, name) is not { } text)
        {
            return fallback;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min
            ? n
            : throw new BadRequestException($"{name}: '{text}' is not a whole number of at least {min}");
    }
}
