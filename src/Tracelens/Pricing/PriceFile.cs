using System.Text.Json;

namespace Tracelens.Pricing;

/// <summary>
/// One price file as written: the embedded table or a user's override, every field optional so an
/// override can change one rate. Parsed with <see cref="Utf8JsonReader"/> so every error names its
/// line; comments and trailing commas are accepted because people edit overrides by hand.
/// </summary>
internal sealed class PriceFile
{
    public const string Schema = "tracelens-prices/1";

    private static readonly string[] RateFieldNames = ["input", "output", "cache_read", "cache_write_5m", "cache_write_1h"];

    public required string Path { get; init; }

    public Dictionary<string, VendorEntry> Vendors { get; } = new(StringComparer.Ordinal);

    /// <summary>Models in file order (the order matters only for error messages).</summary>
    public List<ModelEntry> Models { get; } = [];

    /// <summary>
    /// Aliases in file order. (A record, not a tuple: generic code over value types is not
    /// precompiled, and every report command loads this file.)
    /// </summary>
    public List<AliasEntry> Aliases { get; } = [];

    internal sealed record AliasEntry(string Alias, string Target, int Line);

    internal sealed class VendorEntry
    {
        public int Line { get; init; }
        public string? Source { get; set; }
        public string? Retrieved { get; set; }
        public string? PricingPage { get; set; }
        public string? Note { get; set; }
    }

    internal sealed class ModelEntry
    {
        public required string Id { get; init; }
        public int Line { get; init; }
        public string? Vendor { get; set; }
        public RateFields Rates { get; } = new();

        /// <summary>Set when the file mentions <c>above_200k</c>; <see cref="RemovesTier"/> when it is null.</summary>
        public RateFields? Above200k { get; set; }

        public bool RemovesTier { get; set; }

        /// <summary>Set when the file mentions <c>above_272k_input</c>; <see cref="RemovesRequestTier"/> when it is null.</summary>
        public RateFields? Above272kInput { get; set; }

        public bool RemovesRequestTier { get; set; }
    }

    internal sealed class RateFields
    {
        public decimal? Input { get; set; }
        public decimal? Output { get; set; }
        public decimal? CacheRead { get; set; }
        public decimal? CacheWrite5m { get; set; }
        public decimal? CacheWrite1h { get; set; }

        public IEnumerable<string> Missing()
        {
            decimal?[] values = [Input, Output, CacheRead, CacheWrite5m, CacheWrite1h];
            var missing = new List<string>();
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] is null)
                {
                    missing.Add(RateFieldNames[i]);
                }
            }

            return missing;
        }

        /// <summary>These fields where set, otherwise <paramref name="fallback"/>'s.</summary>
        public TokenRates Over(TokenRates fallback) => new(
            Input ?? fallback.Input,
            Output ?? fallback.Output,
            CacheRead ?? fallback.CacheRead,
            CacheWrite5m ?? fallback.CacheWrite5m,
            CacheWrite1h ?? fallback.CacheWrite1h);
    }

    public static PriceFile Parse(byte[] utf8, string path)
    {
        if (utf8.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            utf8 = utf8[3..];
        }

        var file = new PriceFile { Path = path };
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            new Parser(file, utf8).Document(ref reader);
        }
        catch (JsonException e)
        {
            throw new PriceFileException(path, (int)(e.LineNumber ?? 0) + 1, "invalid JSON: " + Describe(e));
        }

        return file;
    }

    /// <summary>The reader's message without its own position suffix (the line is reported separately).</summary>
    private static string Describe(JsonException e)
    {
        var message = e.Message;
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (at >= 0 ? message[..at] : message).TrimEnd('.', ' ');
    }

    private sealed class Parser(PriceFile file, byte[] utf8)
    {
        public void Document(ref Utf8JsonReader r)
        {
            Next(ref r);
            ExpectObject(ref r, "the file");
            while (NextProperty(ref r, out var name, out var line))
            {
                switch (name)
                {
                    case "schema":
                        RequireString(ref r, name, Schema);
                        break;
                    case "currency":
                        RequireString(ref r, name, "USD");
                        break;
                    case "unit":
                        RequireString(ref r, name, "per_million_tokens");
                        break;
                    case "vendors":
                        Vendors(ref r);
                        break;
                    case "models":
                        Models(ref r);
                        break;
                    case "aliases":
                        Aliases(ref r);
                        break;
                    default:
                        throw Error(line, $"unknown field \"{name}\" (expected schema, currency, unit, vendors, models, aliases)");
                }
            }

            if (r.Read())
            {
                throw Error(Line(r), "unexpected content after the top-level object");
            }
        }

        private void Vendors(ref Utf8JsonReader r)
        {
            ExpectObject(ref r, "\"vendors\"");
            while (NextProperty(ref r, out var id, out var line))
            {
                ExpectObject(ref r, $"vendor \"{id}\"");
                var vendor = new VendorEntry { Line = line };
                if (!file.Vendors.TryAdd(id, vendor))
                {
                    throw Error(line, $"vendor \"{id}\" appears twice");
                }

                while (NextProperty(ref r, out var field, out var fieldLine))
                {
                    var value = Text(ref r, field);
                    switch (field)
                    {
                        case "source":
                            vendor.Source = value;
                            break;
                        case "retrieved":
                            vendor.Retrieved = value;
                            break;
                        case "pricing_page":
                            vendor.PricingPage = value;
                            break;
                        case "note":
                            vendor.Note = value;
                            break;
                        default:
                            throw Error(fieldLine, $"unknown field \"{field}\" in vendor \"{id}\" (expected source, retrieved, pricing_page, note)");
                    }
                }
            }
        }

        private void Models(ref Utf8JsonReader r)
        {
            ExpectObject(ref r, "\"models\"");
            var lines = new Dictionary<string, int>(StringComparer.Ordinal);
            while (NextProperty(ref r, out var id, out var line))
            {
                if (id.Trim().Length == 0)
                {
                    throw Error(line, "a model id is empty");
                }

                if (!lines.TryAdd(ModelNames.Canonical(id), line))
                {
                    throw Error(line, $"model \"{id}\" appears twice (first on line {lines[ModelNames.Canonical(id)]})");
                }

                ExpectObject(ref r, $"model \"{id}\"");
                var model = new ModelEntry { Id = id, Line = line };
                while (NextProperty(ref r, out var field, out var fieldLine))
                {
                    switch (field)
                    {
                        case "vendor":
                            model.Vendor = Text(ref r, field);
                            break;
                        case "above_200k":
                            if (r.TokenType == JsonTokenType.Null)
                            {
                                model.RemovesTier = true;
                                break;
                            }

                            model.Above200k = Tier(ref r, field, id);
                            break;
                        case "above_272k_input":
                            if (r.TokenType == JsonTokenType.Null)
                            {
                                model.RemovesRequestTier = true;
                                break;
                            }

                            model.Above272kInput = Tier(ref r, field, id);
                            break;
                        default:
                            if (!Rate(ref r, model.Rates, field))
                            {
                                throw Error(fieldLine, $"unknown field \"{field}\" in model \"{id}\" (expected vendor, {string.Join(", ", RateFieldNames)}, above_200k, above_272k_input)");
                            }

                            break;
                    }
                }

                file.Models.Add(model);
            }
        }

        /// <summary>A tier object (<c>above_200k</c>, <c>above_272k_input</c>): rates only.</summary>
        private RateFields Tier(ref Utf8JsonReader r, string tier, string id)
        {
            ExpectObject(ref r, $"\"{tier}\" of model \"{id}\"");
            var rates = new RateFields();
            while (NextProperty(ref r, out var tierField, out var tierLine))
            {
                if (!Rate(ref r, rates, tierField))
                {
                    throw Error(tierLine, $"unknown field \"{tierField}\" in \"{tier}\" of model \"{id}\" (expected {string.Join(", ", RateFieldNames)})");
                }
            }

            return rates;
        }

        private void Aliases(ref Utf8JsonReader r)
        {
            ExpectObject(ref r, "\"aliases\"");
            while (NextProperty(ref r, out var alias, out var line))
            {
                file.Aliases.Add(new AliasEntry(alias, Text(ref r, alias), line));
            }
        }

        /// <summary>Reads a rate when <paramref name="field"/> names one; false for any other field.</summary>
        private bool Rate(ref Utf8JsonReader r, RateFields rates, string field)
        {
            switch (field)
            {
                case "input":
                    rates.Input = Price(ref r, field);
                    return true;
                case "output":
                    rates.Output = Price(ref r, field);
                    return true;
                case "cache_read":
                    rates.CacheRead = Price(ref r, field);
                    return true;
                case "cache_write_5m":
                    rates.CacheWrite5m = Price(ref r, field);
                    return true;
                case "cache_write_1h":
                    rates.CacheWrite1h = Price(ref r, field);
                    return true;
                default:
                    return false;
            }
        }

        private decimal Price(ref Utf8JsonReader r, string field)
        {
            if (r.TokenType != JsonTokenType.Number || !r.TryGetDecimal(out var value))
            {
                throw Error(Line(r), $"\"{field}\" must be a number of USD per million tokens");
            }

            if (value < 0)
            {
                throw Error(Line(r), $"\"{field}\" must not be negative");
            }

            // Dividing by 1.000… drops trailing zeros, so "0.30" and "0.3" print alike.
            return value / 1.000000000000000000000000000000000m;
        }

        private string Text(ref Utf8JsonReader r, string field) =>
            r.TokenType == JsonTokenType.String ? r.GetString()! : throw Error(Line(r), $"\"{field}\" must be a string");

        private void RequireString(ref Utf8JsonReader r, string field, string expected)
        {
            if (Text(ref r, field) != expected)
            {
                throw Error(Line(r), $"\"{field}\" must be \"{expected}\"");
            }
        }

        private void ExpectObject(ref Utf8JsonReader r, string what)
        {
            if (r.TokenType != JsonTokenType.StartObject)
            {
                throw Error(Line(r), $"{what} must be a JSON object");
            }
        }

        /// <summary>Advances to the next property's value; false at the end of the current object.</summary>
        private bool NextProperty(ref Utf8JsonReader r, out string name, out int line)
        {
            Next(ref r);
            line = Line(r);
            if (r.TokenType == JsonTokenType.EndObject)
            {
                name = string.Empty;
                return false;
            }

            name = r.GetString()!;
            Next(ref r);
            return true;
        }

        /// <summary>
        /// Reads the next token. The reader sees the whole file as its final block, so it throws on
        /// a truncated document itself; running out here means a value is missing at the end.
        /// </summary>
        private void Next(ref Utf8JsonReader r)
        {
            if (!r.Read())
            {
                throw Error(LineAt(utf8.Length), "the file ends early");
            }
        }

        private int Line(in Utf8JsonReader r) => LineAt((int)r.TokenStartIndex);

        // Tokens are visited in file order, so the count continues from the last token (counting
        // from the top for every property made parsing the price table quadratic).
        private int _countedTo;
        private int _linesBefore = 1;

        private int LineAt(int offset)
        {
            offset = Math.Min(offset, utf8.Length);
            if (offset < _countedTo)
            {
                _countedTo = 0;
                _linesBefore = 1;
            }

            _linesBefore += utf8.AsSpan(_countedTo, offset - _countedTo).Count((byte)'\n');
            _countedTo = offset;
            return _linesBefore;
        }

        private PriceFileException Error(int line, string reason) => new(file.Path, line, reason);
    }
}
