using Tracelens.Figures.Png;
using Tracelens.Tests.Figures;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Cli;

/// <summary>`tracelens figure list|extract` on hand-built PNGs: what a user sees, what lands on disk, and what is refused.</summary>
public sealed class FigureCliTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tracelens-figure-cli-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private CliRunner.Result Run(params string[] args) => new CliRunner { Home = _home }.Run(args);

    private string Golden(params CliRunner.Result[] results) => string.Concat(results.Select(r => r.Render((_home, "<HOME>"))));

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_home, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A figure-like PNG: README (not Latin-1, so iTXt), two CSVs, the run manifest and the index, as experiments write them.</summary>
    private string Figure() =>
        Write("figure.png", PngSidecar.Embed(
            TinyPng.Create(),
            PngSidecar.Entries("# llm_generation/output_tokens\n\n**How many tokens…?** p ≤ 50\n", [("output_tokens_summary.csv", "group,count\r\nall,19\r\n"), ("b.csv", "x\r\n")], [new("data/manifest.json", "{\n  \"experiment\": \"x\"\n}\n")]),
            dpi: 180));

    [Fact]
    public void Help_names_both_verbs()
    {
        Snapshot.Match(Golden(Run("figure", "--help"), Run("figure", "list", "--help"), Run("figure", "extract", "--help")), "Cli", "figure-help.txt");
    }

    [Fact]
    public void List_shows_each_entry_with_its_size_and_file()
    {
        var png = Figure();
        Snapshot.Match(Golden(Run("figure", "list", png), Run("figure", "list", png, "--json")), "Cli", "figure-list.txt");
    }

    [Fact]
    public void Extract_writes_every_entry_as_its_file()
    {
        var png = Figure();
        var output = Path.Combine(_home, "unpacked");
        var r = Run("figure", "extract", png, "-o", output);
        Assert.Equal(0, r.ExitCode);
        Snapshot.Match(Golden(r), "Cli", "figure-extract.txt");
        Assert.Equal("group,count\r\nall,19\r\n"u8.ToArray(), File.ReadAllBytes(Path.Combine(output, "data", "output_tokens_summary.csv")));
        Assert.Equal("# llm_generation/output_tokens\n\n**How many tokens…?** p ≤ 50\n", File.ReadAllText(Path.Combine(output, "README.md")));
        Assert.StartsWith("{\n  \"entries\": [", File.ReadAllText(Path.Combine(output, "manifest.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Files_that_are_not_figures_are_refused_clearly()
    {
        var text = Write("notes.png", "not an image\n"u8.ToArray());
        var damaged = TinyPng.Create();
        damaged[^2] ^= 0xFF; // inside IEND's CRC
        var broken = Write("damaged.png", damaged);
        var plain = Write("plain.png", TinyPng.Create());
        var results = new[]
        {
            Run("figure", "list", text),
            Run("figure", "list", text, "--json"),
            Run("figure", "extract", broken, "-o", Path.Combine(_home, "never")),
            Run("figure", "list", Path.Combine(_home, "absent.png")),
            Run("figure", "list", plain),
            Run("figure", "extract", plain, "-o", Path.Combine(_home, "never")),
        };
        Assert.Equal([2, 2, 2, 2, 0, 2], results.Select(r => r.ExitCode));
        Snapshot.Match(Golden(results), "Cli", "figure-errors.txt");
        Assert.False(Directory.Exists(Path.Combine(_home, "never")));
    }

    [Fact]
    public void Entries_whose_names_leave_the_folder_are_refused_and_the_rest_written()
    {
        var png = Write("hostile.png", TinyPng.With(
            new("sidecar:readme", "# fine\n"),
            new("sidecar:../outside.txt", "x"),
            new("sidecar:data/../../outside.csv", "x"),
            new("sidecar:/tmp/absolute.txt", "x"),
            new("sidecar:data\\..\\win.csv", "x"),
            new("sidecar:data/ok.csv", "a,b\r\n")));
        var output = Path.Combine(_home, "box", "out");
        var list = Run("figure", "list", png);
        var extract = Run("figure", "extract", png, "-o", output);
        Assert.Equal((0, 2), (list.ExitCode, extract.ExitCode));
        Snapshot.Match(Golden(list, extract), "Cli", "figure-hostile.txt");
        Assert.Equal(["README.md", Path.Combine("data", "ok.csv")], Directory.GetFiles(output, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(output, f)).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFiles(Path.Combine(_home, "box"), "*"));
        Assert.False(File.Exists(Path.Combine(_home, "outside.txt")));
        Assert.False(File.Exists("/tmp/absolute.txt"));
    }
}
