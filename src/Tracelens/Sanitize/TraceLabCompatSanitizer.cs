namespace Tracelens.Sanitize;

/// <summary>
/// A byte-exact reproduction of TraceLab's <c>StableIdSanitizer</c> (tracelab-spec §4.1–4.4): one
/// Python <c>random.Random(seed)</c> per run; the first time a value of a kind is seen it gets a
/// fresh random replacement (redrawn if already used in that kind), afterwards the same one.
/// </summary>
/// <remarks>
/// Pseudonyms depend on the seed <em>and on the order</em> in which values first appear, so they
/// are stable only for the same input in the same order. Use one instance per output file and feed
/// it rows in file order. For stable pseudonyms across runs use <see cref="KeyedSanitizer"/>.
/// </remarks>
public sealed class TraceLabCompatSanitizer : RowSanitizer
{
    /// <summary>TraceLab's default seed (<c>sanitize_round_trace.py</c> without <c>--seed</c>).</summary>
    public const string DefaultSeed = "coding-trace-sanitize-round-trace-v1";

    private readonly SeededSource _source;
    private readonly Dictionary<IdKind, Dictionary<string, string>> _maps = [];
    private readonly Dictionary<IdKind, HashSet<string>> _used = [];

    /// <param name="seed">The <c>--seed</c> string.</param>
    /// <param name="legacyDropUser">
    /// Reproduce the older sanitizer that treated <c>user</c>/<c>user_name</c>/<c>username</c> as
    /// sensitive (dropped) instead of pseudonymizing them (tracelab-spec §4.6).
    /// </param>
    public TraceLabCompatSanitizer(string seed = DefaultSeed, bool legacyDropUser = false)
        : base(legacyDropUser, traceLabQuirks: true)
    {
        ArgumentNullException.ThrowIfNull(seed);
        Seed = seed;
        _source = new SeededSource(new PythonRandom(seed));
    }

    public string Seed { get; }

    private protected override string Map(IdKind kind, string original, Func<IIdCharSource, string> make)
    {
        if (!_maps.TryGetValue(kind, out var map))
        {
            _maps[kind] = map = new Dictionary<string, string>(StringComparer.Ordinal);
            _used[kind] = new HashSet<string>(StringComparer.Ordinal);
        }

        if (map.TryGetValue(original, out var known))
        {
            return known;
        }

        var used = _used[kind];
        string fresh;
        do
        {
            fresh = make(_source);
        }
        while (!used.Add(fresh));

        map[original] = fresh;
        return fresh;
    }

    // Each character is one random.choice over the alphabet, as TraceLab draws them.
    private sealed class SeededSource(PythonRandom random) : IIdCharSource
    {
        public char NextHex() => random.Choice(IdFormats.HexAlphabet);

        public char NextBase62() => random.Choice(IdFormats.Base62Alphabet);
    }
}
