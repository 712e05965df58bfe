using System.Text.Json;
using Tracelens.Reports;

namespace Tracelens.Cli.Rendering;

/// <summary>Writes a `--json` document: indented, keys in the order written, UTF-8 unescaped.</summary>
public static class JsonOutput
{
    /// <summary>One document on one line: a stream of JSON Lines (e.g. one per watch pass).</summary>
    public static void WriteLine(TextWriter writer, Action<Utf8JsonWriter> body) => writer.Write(ReportJson.Document(body, indented: false) + "\n");

    /// <summary>Indented, keys in the order written, UTF-8 unescaped (the shared writer: the dashboard's API gives the same bytes).</summary>
    public static void Write(TextWriter writer, Action<Utf8JsonWriter> body) => writer.Write(ReportJson.Document(body) + "\n");

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
