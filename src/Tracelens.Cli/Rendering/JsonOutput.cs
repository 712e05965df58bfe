using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tracelens.Cli.Rendering;

/// <summary>Writes a `--json` document: indented, keys in the order written, UTF-8 unescaped.</summary>
public static class JsonOutput
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonWriterOptions LineOptions = Options with { Indented = false };

    /// <summary>One document on one line: a stream of JSON Lines (e.g. one per watch pass).</summary>
    public static void WriteLine(TextWriter writer, Action<Utf8JsonWriter> body) => Write(writer, body, LineOptions);

    public static void Write(TextWriter writer, Action<Utf8JsonWriter> body) => Write(writer, body, Options);

    private static void Write(TextWriter writer, Action<Utf8JsonWriter> body, JsonWriterOptions options)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            body(json);
        }

        writer.Write(Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal));
        writer.Write('\n');
    }

    /// <summary>The error envelope every `--json` command uses: <c>{"error":{"code":…,"message":…}}</c>.</summary>
    public static void WriteError(TextWriter writer, string code, string message) =>
        Write(writer, j =>
        {
            j.WriteStartObject();
            j.WriteStartObject("error");
            j.WriteString("code", code);
            j.WriteString("message", message);
            j.WriteEndObject();
            j.WriteEndObject();
        });
}
