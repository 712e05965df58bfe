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
        api.MapGet("/distributions", (HttpContext http) => Run(http, (ledger, _, filter) =>
            ReportJson.Document(j => DistributionsJson.Write(j, new DistributionQueries(ledger).Distributions(filter)))));
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

    /// <summary>
    /// Dropped uploads: analyzed into a scratch ledger (never the user's), then viewed through every
    /// endpoint with <c>?upload=ID</c>; the sanitized trace is downloadable.
    /// </summary>
    public static void MapUpload(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/upload", async (HttpContext http) =>
        {
            var data = http.RequestServices.GetRequiredService<DashboardData>();
            // A custom header makes any cross-site POST a CORS preflight, which this server never grants.
            if (http.Request.Headers["X-Tracelens-Upload"] != "1")
            {
                await Error(http, StatusCodes.Status400BadRequest, "usage", "uploads must carry the header X-Tracelens-Upload: 1 (the dashboard's drop zone sends it)");
                return;
            }

            if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = data.Options.UploadLimits.MaxUploadBytes + 1;
            }

            try
            {
                // The SDK reads synchronously; buffer the body into a temporary file first (capped as it is read).
                await using var buffer = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
                var chunk = new byte[81920];
                long received = 0;
                int n;
                while ((n = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
                {
                    received += n;
                    if (received > data.Options.UploadLimits.MaxUploadBytes)
                    {
                        throw new Tracelens.Upload.UploadRefusedException($"the upload is larger than {data.Options.UploadLimits.MaxUploadBytes:N0} bytes", tooLarge: true);
                    }

                    await buffer.WriteAsync(chunk.AsMemory(0, n), http.RequestAborted);
                }

                buffer.Position = 0;
                var (id, a) = data.Analyze(buffer);
                await Json(http, StatusCodes.Status200OK, ReportJson.Document(j =>
                {
                    j.WriteStartObject();
                    j.WriteString("upload_id", id);
                    j.WriteString("kind", a.Kind);
                    j.WriteStartArray("providers");
                    foreach (var p in a.Providers)
                    {
                        j.WriteStringValue(p);
                    }

                    j.WriteEndArray();
                    j.WriteNumber("files", a.Files);
                    j.WriteNumber("sessions", a.Sessions);
                    j.WriteNumber("steps", a.Steps);
                    j.WriteStartArray("warnings");
                    foreach (var w in a.Warnings)
                    {
                        j.WriteStringValue(w);
                    }

                    j.WriteEndArray();
                    j.WriteString("sanitized_url", $"/api/upload/{id}/sanitized");
                    j.WriteEndObject();
                }));
            }
            catch (Tracelens.Upload.UploadRefusedException e)
            {
                await Error(http, e.TooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest, e.TooLarge ? "too-large" : "not-a-trace", e.Message);
            }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await Error(http, StatusCodes.Status413PayloadTooLarge, "too-large", $"the upload is larger than {data.Options.UploadLimits.MaxUploadBytes:N0} bytes");
            }
        });
        app.MapGet("/api/upload/{id}/sanitized", (HttpContext http, string id) =>
        {
            var data = http.RequestServices.GetRequiredService<DashboardData>();
            var (path, error) = data.Sanitized(id);
            if (path is null)
            {
                return error is null
                    ? Error(http, StatusCodes.Status404NotFound, "not-found", $"no upload '{id}' in this run of the server")
                    : Error(http, StatusCodes.Status500InternalServerError, "sanitize-failed", error);
            }

            http.Response.ContentType = "application/gzip";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"tracelens-upload-{id}.sanitized.jsonl.gz\"";
            return http.Response.SendFileAsync(path);
        });
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
            var upload = RequestFilter.Text(http.Request.Query, "upload");
            using var ledger = data.OpenLedger(upload);
            if (ledger is null)
            {
                return upload is not null
                    ? Error(http, StatusCodes.Status404NotFound, "not-found", $"no upload '{upload}' in this run of the server")
                    : Error(http, StatusCodes.Status503ServiceUnavailable, "no-ledger", $"no ledger at {data.Options.LedgerPath}; run `tracelens ingest` first");
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
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            return Error(http, StatusCodes.Status500InternalServerError, "ledger-error", e.Message);
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
