using Tracelens.Cli.Rendering;
using Xunit;

namespace Tracelens.Tests.Cli;

/// <summary>The report table layout: padding, alignment, multi-line cells, wrapping and wide characters.</summary>
public sealed class TextTableTests
{
    private static string Render(TextTable table, int width = 160)
    {
        var output = new StringWriter { NewLine = "\n" };
        table.Write(output, width);
        return output.ToString();
    }

    [Fact]
    public void Columns_are_padded_aligned_and_ruled_under_the_header()
    {
        var table = new TextTable()
            .AddColumn("model")
            .AddColumn(new TextColumn("steps").AlignRight().NoWrap());
        table.AddRow("opus", "1,234");
        table.AddRow("haiku-4-5", "7");
        Assert.Equal(
            "                     \n" +
            "  model       steps  \n" +
            "─────────────────────\n" +
            "  opus        1,234  \n" +
            "  haiku-4-5       7  \n" +
            "                     \n",
            Render(table));
    }

    [Fact]
    public void A_cell_with_several_lines_makes_a_taller_row_aligned_at_the_top()
    {
        var table = new TextTable().AddColumn("day").AddColumn("models");
        table.AddRow("2026-01-06", "a\nbb");
        table.AddRow(null, "c");
        Assert.Equal(
            "                       \n" +
            "  day          models  \n" +
            "───────────────────────\n" +
            "  2026-01-06   a       \n" +
            "               bb      \n" +
            "               c       \n" +
            "                       \n",
            Render(table));
    }

    [Fact]
    public void A_table_wider_than_the_output_wraps_its_widest_wrapping_column_at_spaces()
    {
        var table = new TextTable().AddColumn(new TextColumn("id").NoWrap()).AddColumn("title");
        table.AddRow("x1", "one two three four five six");
        var lines = Render(table, width: 20).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.True(TextTable.CellWidth(l) <= 20, $"'{l}' is wider than 20"));
        Assert.Equal(["  x1   one two      ", "       three four   ", "       five six     "], lines[3..6]);
    }

    [Fact]
    public void Columns_that_must_not_wrap_keep_their_width_and_the_lines_run_long()
    {
        var table = new TextTable().AddColumn(new TextColumn("command").NoWrap());
        table.AddRow("a-very-long-command --with --many --flags");
        Assert.Contains("  a-very-long-command --with --many --flags  \n", Render(table, width: 20), StringComparison.Ordinal);
    }

    [Fact]
    public void A_word_longer_than_the_column_is_cut()
    {
        Assert.Equal(["abcd", "efgh", "ij"], TextTable.Wrap("abcdefghij", 4));
        Assert.Equal(["ab", "cdef", "gh"], TextTable.Wrap("ab cdefgh", 4));
    }

    [Theory]
    [InlineData("abc", 3)]
    [InlineData("日本語", 6)]
    [InlineData("e\u0301", 1)] // e + combining acute accent
    [InlineData("🚀x", 3)]
    public void Width_counts_terminal_columns(string text, int width) => Assert.Equal(width, TextTable.CellWidth(text));

    [Fact]
    public void Wide_characters_are_padded_by_their_columns()
    {
        var table = new TextTable().AddColumn("p").AddColumn(new TextColumn("n").AlignRight());
        table.AddRow("日本", "1");
        table.AddRow("ab", "22");
        var lines = Render(table).Split('\n');
        Assert.Equal("  日本    1  ", lines[3]);
        Assert.Equal("  ab     22  ", lines[4]);
    }
}
