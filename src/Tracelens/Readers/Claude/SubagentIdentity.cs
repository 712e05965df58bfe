using Tracelens.Json;
using Tracelens.Model;

namespace Tracelens.Readers.Claude;

/// <summary>
/// Identity of a Claude Code sidecar subagent transcript,
/// <c>&lt;session&gt;/subagents/agent-&lt;id&gt;.jsonl</c>, and what its optional
/// <c>agent-&lt;id&gt;.meta.json</c> says (agent type, spawning tool call).
/// </summary>
public sealed record SubagentIdentity(string ParentSessionKey, string AgentId, string? AgentType, string? ToolUseId)
{
    private const string Marker = "/subagents/agent-";

    /// <summary>Recognizes a sidecar file by its session key; null for a main transcript.</summary>
    public static SubagentIdentity? FromSessionKey(ClaudeSessionSource source)
    {
        var key = source.SessionKey;
        var k = key.LastIndexOf(Marker, StringComparison.Ordinal);
        if (k <= 0)
        {
            return null;
        }

        var agentId = key[(k + Marker.Length)..];
        if (agentId.Length == 0 || agentId.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }

        string? agentType = null, toolUseId = null;
        var meta = Path.Combine(Path.GetDirectoryName(source.Path) ?? ".", $"agent-{agentId}.meta.json");
        if (File.Exists(meta))
        {
            try
            {
                var tape = new JsonTape();
                if (tape.Parse(File.ReadAllBytes(meta)) && tape.KindOf(JsonTape.Root) == JsonKind.Object)
                {
                    agentType = tape.GetStringOrNull(tape.Get(JsonTape.Root, "agentType"u8));
                    toolUseId = tape.GetStringOrNull(tape.Get(JsonTape.Root, "toolUseId"u8));
                }
            }
            catch (IOException)
            {
                // An unreadable meta file only loses the agent type; the transcript still counts.
            }
        }

        return new SubagentIdentity(key[..k], agentId, agentType, toolUseId);
    }

    public void ApplyTo(AgentStep step)
    {
        step.ParentSessionId = "claude:" + ParentSessionKey;
        step.AgentId = AgentId;
        step.SubagentType = AgentType;
        step.ParentToolCallId = ToolUseId;
        step.IsSidechain = true;
    }
}
