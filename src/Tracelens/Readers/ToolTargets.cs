using Tracelens.Json;

namespace Tracelens.Readers;

/// <summary>
/// What a tool call acted on (burn-spec §3.2.4, §3.4, §3.5): the file of a file tool, the command
/// of a shell tool, the pattern of a search, the URL of a fetch, the type of a subagent.
/// </summary>
public static class ToolTargets
{
    /// <summary>Harness tool names folded onto Claude's names (burn's alias table).</summary>
    public static string CanonicalName(string? name) => name switch
    {
        null => string.Empty,
        "apply_patch" => "Edit",
        "exec_command" or "shell" or "shell_command" or "local_shell" or "bash" => "Bash",
        "read_file" or "view_image" or "read_mcp_resource" or "read" => "Read",
        "write_file" or "write" => "Write",
        "edit" => "Edit",
        "grep" => "Grep",
        "glob" => "Glob",
        "webfetch" => "WebFetch",
        "task" => "Task",
        "update_plan" => "ExitPlanMode",
        "spawn_agent" => "Agent",
        "send_input" or "wait_agent" or "close_agent" or "resume_agent" => "Task",
        _ => name,
    };

    public static bool IsShell(string canonical) => canonical == "Bash";

    public static bool IsFileTool(string canonical) => canonical is "Read" or "Edit" or "Write" or "NotebookEdit" or "MultiEdit";

    /// <summary>Target from a tool input object on a tape (null when the input has none).</summary>
    public static string? FromInput(string? toolName, JsonTape tape, int input)
    {
        if (input < 0)
        {
            return null;
        }

        var canonical = CanonicalName(toolName);
        if (tape.KindOf(input) == JsonKind.String)
        {
            // Codex custom tools (apply_patch) take a raw string input.
            var text = tape.GetString(input);
            return canonical == "Edit" ? PatchTarget(text) : null;
        }

        if (tape.KindOf(input) != JsonKind.Object)
        {
            return null;
        }

        return canonical switch
        {
            "Read" or "Edit" or "Write" or "NotebookEdit" or "MultiEdit" => First(tape, input, "file_path", "filePath", "path", "notebook_path"),
            "Bash" => Command(tape, input),
            "Grep" or "Glob" => First(tape, input, "pattern"),
            "WebFetch" => First(tape, input, "url"),
            "Agent" or "Task" => First(tape, input, "subagent_type", "agent_type", "description", "prompt"),
            _ => First(tape, input, "file_path", "path", "url", "command", "cmd"),
        };
    }

    /// <summary>The subagent type an Agent/Task/spawn_agent call asks for.</summary>
    public static string? SubagentType(string? toolName, JsonTape tape, int input) =>
        CanonicalName(toolName) is "Agent" or "Task" && input >= 0 && tape.KindOf(input) == JsonKind.Object
            ? First(tape, input, "subagent_type", "agent_type", "type")
            : null;

    private static string? Command(JsonTape tape, int input)
    {
        foreach (var key in (ReadOnlySpan<string>)["command", "cmd"])
        {
            var v = tape.Get(input, System.Text.Encoding.UTF8.GetBytes(key));
            if (v < 0)
            {
                continue;
            }

            if (tape.KindOf(v) == JsonKind.String)
            {
                return tape.GetString(v);
            }

            if (tape.KindOf(v) == JsonKind.Array)
            {
                // Codex `shell` passes argv; `bash -lc "<script>"` is the common wrapper.
                var parts = new List<string>();
                var c = JsonTape.FirstChild(v);
                for (var i = 0; i < tape.ChildCount(v); i++, c = tape.NextOf(c))
                {
                    parts.Add(tape.GetStringOrNull(c) ?? string.Empty);
                }

                if (parts.Count == 3 && parts[0] is "bash" or "sh" or "zsh" && parts[1] is "-lc" or "-c")
                {
                    return parts[2];
                }

                return string.Join(' ', parts);
            }
        }

        return null;
    }

    /// <summary>The first non-empty string among the given keys.</summary>
    private static string? First(JsonTape tape, int obj, params ReadOnlySpan<string> keys)
    {
        Span<byte> name = stackalloc byte[64];
        foreach (var key in keys)
        {
            var n = System.Text.Encoding.UTF8.GetBytes(key, name);
            var s = tape.GetStringOrNull(tape.Get(obj, name[..n]));
            if (!string.IsNullOrEmpty(s))
            {
                return s;
            }
        }

        return null;
    }

    /// <summary>The first file named by an apply_patch body (<c>*** Update File: path</c>).</summary>
    public static string? PatchTarget(string patch)
    {
        // Line by line over the text, not split into strings first: a patch can be thousands of lines.
        var rest = patch.AsSpan();
        while (true)
        {
            var end = rest.IndexOf('\n');
            var line = end < 0 ? rest : rest[..end];
            foreach (var prefix in (ReadOnlySpan<string>)["*** Update File: ", "*** Add File: ", "*** Delete File: "])
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line[prefix.Length..].Trim().ToString();
                }
            }

            if (end < 0)
            {
                return null;
            }

            rest = rest[(end + 1)..];
        }
    }
}
