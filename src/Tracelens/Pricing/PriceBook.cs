using System.Collections.Concurrent;
using Tracelens.Model;

namespace Tracelens.Pricing;

/// <summary>
/// Prices per model, and what a step cost. Built from the embedded table (<c>Pricing/prices.json</c>;
/// sources, dates and rules in <c>Pricing/README.md</c>), optionally merged with a user's override
/// file. Immutable and safe to share between threads.
/// </summary>
public sealed class PriceBook
{
    /// <summary>The override file's name inside the Tracelens home folder.</summary>
    public const string OverrideFileName = "prices.json";

    /// <summary>Tokens of one type in one request beyond this many are billed at the long-context rate.</summary>
    public const long TierThresholdTokens = 200_000;

    /// <summary>A request with more input tokens than this is billed whole at <see cref="ModelPrice.Above272kInput"/>, when the model has it.</summary>
    public const long RequestTierThresholdTokens = 272_000;

    private const string EmbeddedResource = "Tracelens.Pricing.prices.json";
    private const string EmbeddedName = "<embedded>/prices.json";

    private static readonly Lazy<PriceBook> LazyEmbedded = new(() => Build(ReadEmbedded(), overlay: null));

    private readonly Dictionary<string, ModelPrice> _byId;
    private readonly Dictionary<string, ModelPrice> _byCanonical;
    private readonly Dictionary<string, ModelPrice> _byAlias;
    private readonly ConcurrentDictionary<string, ModelResolution?> _resolved = new(StringComparer.Ordinal);

    private PriceBook(List<ModelPrice> models, Dictionary<string, ModelPrice> aliases, List<PriceSource> sources, string? overridePath)
    {
        Models = models;
        Sources = sources;
        OverridePath = overridePath;
        _byId = models.ToDictionary(m => m.Id, StringComparer.Ordinal);
        _byCanonical = models.ToDictionary(m => ModelNames.Canonical(m.Id), StringComparer.Ordinal);
        _byAlias = aliases;
    }

    /// <summary>The built-in table alone.</summary>
    public static PriceBook Embedded => LazyEmbedded.Value;

    /// <summary>Every priced model: the embedded table's order, then models the override added.</summary>
    public IReadOnlyList<ModelPrice> Models { get; }

    /// <summary>Where each vendor's prices came from, ordered by vendor.</summary>
    public IReadOnlyList<PriceSource> Sources { get; }

    /// <summary>The override file merged into this book, or null.</summary>
    public string? OverridePath { get; }

    /// <summary><c>$TRACELENS_HOME/prices.json</c> when that variable is set, else <c>~/.tracelens/prices.json</c>.</summary>
    public static string DefaultOverridePath(Func<string, string?> env, string home)
    {
        var root = env("TRACELENS_HOME") is { Length: > 0 } h ? h : Path.Combine(home, ".tracelens");
        return Path.Combine(root, OverrideFileName);
    }

    /// <summary>
    /// The book a command uses: the embedded table merged with <paramref name="explicitPath"/> when
    /// given (it must exist), else with the default override file when that exists.
    /// </summary>
    /// <exception cref="PriceFileException">The override file is missing (explicit path), unreadable or invalid.</exception>
    public static PriceBook Open(string? explicitPath, Func<string, string?> env, string home)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return WithOverride(Path.GetFullPath(explicitPath));
        }

        var path = DefaultOverridePath(env, home);
        return File.Exists(path) ? WithOverride(path) : Embedded;
    }

    /// <summary>The embedded table merged with the override file at <paramref name="path"/> (per model, per field; the file wins).</summary>
    /// <exception cref="PriceFileException">The file is missing, unreadable or invalid.</exception>
    public static PriceBook WithOverride(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : $"cannot read the file: {e.Message}";
            throw new PriceFileException(path, 0, reason);
        }

        return Build(ReadEmbedded(), PriceFile.Parse(bytes, path));
    }

    /// <summary>
    /// The price for a model name, or null when none matches (never a zero price). Tried in order:
    /// the exact key; the name in canonical form and with a provider prefix, Bedrock/Vertex
    /// decorations, a date suffix or <c>-latest</c> removed, each against the keys and the aliases;
    /// then the longest key the normalized name extends without naming a different version or size.
    /// </summary>
    public ModelResolution? Resolve(string? model) =>
        string.IsNullOrWhiteSpace(model) ? null : _resolved.GetOrAdd(model, static (name, book) => book.ResolveUncached(name), this);

    /// <summary>The cost of a step, or null when its model is unpriced.</summary>
    public CostBreakdown? Cost(AgentStep step) => Cost(step.Model, TokenUsage.Of(step));

    /// <summary>The cost of one request's tokens, or null when <paramref name="model"/> is unpriced.</summary>
    public CostBreakdown? Cost(string? model, TokenUsage usage) => Resolve(model) is { } resolution ? Price(resolution.Price, usage) : null;

    /// <summary>
    /// One request's cost at <paramref name="price"/>: each token type at its own rate (1-hour cache
    /// writes at theirs, not the 5-minute rate). When a model has a long-context tier, the tokens of a
    /// type beyond the first 200,000 in the request take the tier's rate, type by type, as ccusage
    /// prices them; a model with a whole-request tier (gpt-5.4, gpt-5.5) bills every token of a
    /// request with more than 272,000 input tokens at that tier's rates, as OpenAI and ccusage do.
    /// Reasoning adds nothing when the output count already contains it.
    /// </summary>
    public static CostBreakdown Price(ModelPrice price, TokenUsage usage)
    {
        if (price.Above272kInput is { } whole && usage.PromptTokens > RequestTierThresholdTokens)
        {
            return AtRates(whole, usage);
        }

        var rates = price.Rates;
        var above = price.Above200k ?? rates;
        return new CostBreakdown(
            Tiered(usage.FreshInput, rates.Input, above.Input),
            Tiered(usage.Output, rates.Output, above.Output),
            usage.ReasoningIncludedInOutput ? 0m : Tiered(usage.Reasoning, rates.Output, above.Output),
            Tiered(usage.CacheRead, rates.CacheRead, above.CacheRead),
            Tiered(usage.CacheWrite5m, rates.CacheWrite5m, above.CacheWrite5m),
            Tiered(usage.CacheWrite1h, rates.CacheWrite1h, above.CacheWrite1h));
    }

    /// <summary>
    /// The cost of <paramref name="usage"/> at the model's base rates, ignoring every long-context
    /// tier. It is linear, so the base cost of a sum of requests is the sum of their base costs:
    /// reports price a group's token sums with it and add, for the few requests a tier applies to,
    /// <see cref="Price(ModelPrice, TokenUsage)"/> minus their base cost. Only requests with more
    /// than 200,000 tokens in total can differ (<see cref="TierThresholdTokens"/>,
    /// <see cref="RequestTierThresholdTokens"/>).
    /// </summary>
    public static CostBreakdown PriceAtBaseRates(ModelPrice price, TokenUsage usage) => AtRates(price.Rates, usage);

    private static CostBreakdown AtRates(TokenRates rates, TokenUsage usage) => new(
        Linear(usage.FreshInput, rates.Input),
        Linear(usage.Output, rates.Output),
        usage.ReasoningIncludedInOutput ? 0m : Linear(usage.Reasoning, rates.Output),
        Linear(usage.CacheRead, rates.CacheRead),
        Linear(usage.CacheWrite5m, rates.CacheWrite5m),
        Linear(usage.CacheWrite1h, rates.CacheWrite1h));

    private static decimal Linear(long tokens, decimal rate) => tokens * rate / 1_000_000m;

    private static decimal Tiered(long tokens, decimal rate, decimal aboveRate)
    {
        tokens = Math.Max(0, tokens);
        var atBase = Math.Min(tokens, TierThresholdTokens);
        return ((atBase * rate) + ((tokens - atBase) * aboveRate)) / 1_000_000m;
    }

    private ModelResolution? ResolveUncached(string model)
    {
        if (_byId.TryGetValue(model, out var exact))
        {
            return new ModelResolution(model, exact, ResolutionRule.Exact);
        }

        var name = ModelNames.Canonical(model);
        foreach (var candidate in ModelNames.Normalizations(model).Prepend(name))
        {
            name = candidate;
            if (_byCanonical.TryGetValue(candidate, out var price))
            {
                return new ModelResolution(model, price, ResolutionRule.Normalized);
            }

            if (_byAlias.TryGetValue(candidate, out price))
            {
                return new ModelResolution(model, price, ResolutionRule.Alias);
            }
        }

        // `name` is now the most normalized form. Longest key wins; ties cannot happen (keys are unique).
        var best = _byCanonical.Concat(_byAlias)
            .Where(kv => ModelNames.IsVariantOf(name, kv.Key))
            .OrderByDescending(kv => kv.Key.Length)
            .Select(kv => kv.Value)
            .FirstOrDefault();
        return best is null ? null : new ModelResolution(model, best, ResolutionRule.Prefix);
    }

    private static PriceFile ReadEmbedded()
    {
        using var stream = typeof(PriceBook).Assembly.GetManifestResourceStream(EmbeddedResource)
            ?? throw new InvalidOperationException($"the resource {EmbeddedResource} is missing from the build");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return PriceFile.Parse(buffer.ToArray(), EmbeddedName);
    }

    /// <summary>Merges <paramref name="overlay"/> into <paramref name="embedded"/>: per vendor, per model, per field.</summary>
    private static PriceBook Build(PriceFile embedded, PriceFile? overlay)
    {
        var vendors = new Dictionary<string, PriceSource>(StringComparer.Ordinal);
        foreach (var file in overlay is null ? [embedded] : new[] { embedded, overlay })
        {
            foreach (var (id, v) in file.Vendors)
            {
                var old = vendors.GetValueOrDefault(id);
                var source = v.Source ?? old?.Source ?? throw new PriceFileException(file.Path, v.Line, $"vendor \"{id}\" needs \"source\"");
                var retrieved = v.Retrieved ?? old?.Retrieved ?? throw new PriceFileException(file.Path, v.Line, $"vendor \"{id}\" needs \"retrieved\"");
                vendors[id] = new PriceSource(id, source, retrieved, v.PricingPage ?? old?.PricingPage, v.Note ?? old?.Note);
            }
        }

        var models = new List<ModelPrice>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in embedded.Models)
        {
            var missing = entry.Rates.Missing().ToList();
            if (missing.Count > 0 || entry.Vendor is null || !vendors.ContainsKey(entry.Vendor))
            {
                throw new PriceFileException(embedded.Path, entry.Line, $"model \"{entry.Id}\" needs a listed vendor and every rate");
            }

            var rates = entry.Rates.Over(new TokenRates(0, 0, 0, 0, 0));
            index[ModelNames.Canonical(entry.Id)] = models.Count;
            models.Add(new ModelPrice
            {
                Id = entry.Id,
                Vendor = entry.Vendor,
                Rates = rates,
                Above200k = entry.Above200k?.Over(rates),
                Above272kInput = entry.Above272kInput?.Over(rates),
            });
        }

        foreach (var entry in overlay?.Models ?? [])
        {
            if (index.TryGetValue(ModelNames.Canonical(entry.Id), out var at))
            {
                var old = models[at];
                var rates = entry.Rates.Over(old.Rates);
                var above = entry.RemovesTier ? null : entry.Above200k?.Over(old.Above200k ?? rates) ?? old.Above200k;
                var whole = entry.RemovesRequestTier ? null : entry.Above272kInput?.Over(old.Above272kInput ?? rates) ?? old.Above272kInput;
                models[at] = old with { Vendor = entry.Vendor ?? old.Vendor, Rates = rates, Above200k = above, Above272kInput = whole, Overridden = true };
                continue;
            }

            var missing = entry.Rates.Missing().ToList();
            if (missing.Count > 0)
            {
                throw new PriceFileException(overlay!.Path, entry.Line,
                    $"model \"{entry.Id}\" is not in the built-in table, so it needs every rate; missing: {string.Join(", ", missing)}");
            }

            var added = entry.Rates.Over(new TokenRates(0, 0, 0, 0, 0));
            index[ModelNames.Canonical(entry.Id)] = models.Count;
            models.Add(new ModelPrice
            {
                Id = entry.Id,
                Vendor = entry.Vendor ?? "user",
                Rates = added,
                Above200k = entry.Above200k?.Over(added),
                Above272kInput = entry.Above272kInput?.Over(added),
                Overridden = true,
            });
        }

        var aliases = new Dictionary<string, ModelPrice>(StringComparer.Ordinal);
        foreach (var file in overlay is null ? [embedded] : new[] { embedded, overlay })
        {
            foreach (var (alias, target, line) in file.Aliases)
            {
                aliases[ModelNames.Canonical(alias)] = index.TryGetValue(ModelNames.Canonical(target), out var at)
                    ? models[at]
                    : throw new PriceFileException(file.Path, line, $"alias \"{alias}\" points at \"{target}\", which is not a priced model");
            }
        }

        // An alias must follow its target's override, so aliases are resolved after the merge above.
        return new PriceBook(models, aliases, [.. vendors.Keys.Order(StringComparer.Ordinal).Select(v => vendors[v])], overlay?.Path);
    }
}
