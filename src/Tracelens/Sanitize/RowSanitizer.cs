using Tracelens.Json;

namespace Tracelens.Sanitize;

/// <summary>
/// TraceLab's per-row sanitization procedure (tracelab-spec §4.2), shared by every mode; the modes
/// differ only in where pseudonyms come from.
/// </summary>
/// <remarks>
/// 1. Deep-walk the row in key order: a user key's string value is pseudonymized (or, in legacy
///    mode, the key is dropped), a sensitive key is dropped with its subtree, everything else is
///    kept and walked. 2. <c>project</c>, <c>session_id</c>, <c>turn_id</c>, <c>round_id</c> are
///    pseudonymized from the original row's values. 3. Each tool's <c>tool_call_id</c> is
///    pseudonymized and its <c>input</c> removed; <c>_assistant_uuid</c> too. 4. Each timing
///    event's <c>tool_call_id</c>. 5. <c>trace_key</c> is recomputed from the new ids. Replaced
///    values keep their key's position. The order matters to seeded modes: it is the draw order.
/// </remarks>
public abstract class RowSanitizer
{
    private readonly bool _traceLabQuirks;

    private protected RowSanitizer(bool dropUserKeys, bool traceLabQuirks)
    {
        DropsUserKeys = dropUserKeys;
        _traceLabQuirks = traceLabQuirks;
    }

    /// <summary>True when user keys are removed (TraceLab's legacy behaviour) instead of pseudonymized.</summary>
    public bool DropsUserKeys { get; }

    /// <summary>
    /// Returns the sanitized copy of <paramref name="row"/> (which is left unchanged). The result
    /// may share immutable scalars with the input.
    /// </summary>
    public PyObject Sanitize(PyObject row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var cleaned = WalkObject(row);
        var provider = ProviderOf(row, cleaned);

        if (row.TryGetValue("project", out var project))
        {
            cleaned["project"] = Replace(project, cleaned.Get("project"), o => Map(IdKind.Project, o, IdFormats.Project));
        }

        if (row.TryGetValue("session_id", out var sessionId))
        {
            cleaned["session_id"] = Replace(sessionId, cleaned.Get("session_id"), o => Map(IdKind.SessionId, o, s => IdFormats.Session(provider, s)));
        }

        if (row.TryGetValue("turn_id", out var turnId))
        {
            cleaned["turn_id"] = Replace(turnId, cleaned.Get("turn_id"), o => Atomic(IdKind.TurnId, o));
        }

        if (row.TryGetValue("round_id", out var roundId))
        {
            cleaned["round_id"] = Replace(roundId, cleaned.Get("round_id"), o => RoundId(provider, o));
        }

        if (cleaned.Get("tools") is PyArray tools && row.Get("tools") is PyArray originalTools)
        {
            for (var i = 0; i < tools.Count; i++)
            {
                if (tools[i] is not PyObject tool)
                {
                    continue;
                }

                var originalTool = i < originalTools.Count ? originalTools[i] as PyObject : null;
                if (originalTool is not null && originalTool.TryGetValue("tool_call_id", out var callId))
                {
                    tool["tool_call_id"] = Replace(callId, tool.Get("tool_call_id"), o => Atomic(IdKind.ToolCallId, o));
                }

                tool.Remove("input");
                if (originalTool is not null && originalTool.TryGetValue("_assistant_uuid", out var assistantUuid))
                {
                    tool["_assistant_uuid"] = Replace(assistantUuid, tool.Get("_assistant_uuid"), o => Atomic(IdKind.AssistantUuid, o));
                }
            }
        }

        if (cleaned.Get("timing_events") is PyArray events && row.Get("timing_events") is PyArray originalEvents)
        {
            for (var i = 0; i < events.Count; i++)
            {
                if (events[i] is PyObject ev && i < originalEvents.Count && originalEvents[i] is PyObject originalEvent
                    && originalEvent.TryGetValue("tool_call_id", out var callId))
                {
                    ev["tool_call_id"] = Replace(callId, ev.Get("tool_call_id"), o => Atomic(IdKind.ToolCallId, o));
                }
            }
        }

        if (cleaned.ContainsKey("trace_key"))
        {
            var newSession = cleaned.Get("session_id");
            var newRound = cleaned.Get("round_id");
            cleaned["trace_key"] = newSession is null or PyNull || newRound is null or PyNull
                ? Replace(row.Get("trace_key") ?? PyNull.Instance, cleaned.Get("trace_key"), o => Atomic(IdKind.TraceKey, o))
                : new PyString($"{provider}:{newSession.ToPythonStr()}:{newRound.ToPythonStr()}");
        }

        return cleaned;
    }

    /// <summary>
    /// The pseudonym of <paramref name="original"/> in <paramref name="kind"/>'s mapping;
    /// <paramref name="make"/> shapes a fresh one from a character source.
    /// </summary>
    private protected abstract string Map(IdKind kind, string original, Func<IIdCharSource, string> make);

    private string Atomic(IdKind kind, string original) => Map(kind, original, s => IdFormats.Atomic(kind, original, s));

    // A Codex round id "<turn>:<n>" keeps n and maps the turn like turn_id.
    private string RoundId(string provider, string original)
    {
        if (provider == "codex")
        {
            var colon = original.LastIndexOf(':');
            if (colon >= 0 && IdFormats.IsPythonDigits(original[(colon + 1)..]))
            {
                return Atomic(IdKind.TurnId, original[..colon]) + original[colon..];
            }
        }

        return Atomic(IdKind.RoundId, original);
    }

    // Strings are mapped. TraceLab returns any other original value unchanged (even an object with
    // sensitive keys inside, which the leak gate then refuses); the other modes keep the walked copy.
    private PyValue Replace(PyValue original, PyValue? cleaned, Func<string, string> map)
    {
        if (original is PyString s)
        {
            return new PyString(map(s.Value));
        }

        return _traceLabQuirks || cleaned is null ? original.DeepClone() : cleaned;
    }

    // Python: str(original.get("provider") or cleaned.get("provider") or "unknown"); the walked copy
    // is falsy whenever the original is, so the middle term never decides.
    private string ProviderOf(PyObject row, PyObject cleaned)
    {
        var provider = _traceLabQuirks ? row.Get("provider") : cleaned.Get("provider");
        return provider is not null && provider.IsTruthy ? provider.ToPythonStr() : "unknown";
    }

    private PyValue Walk(PyValue value) => value switch
    {
        PyObject obj => WalkObject(obj),
        PyArray arr => new PyArray(arr.Select(Walk)),
        _ => value,
    };

    private PyObject WalkObject(PyObject obj)
    {
        var result = new PyObject();
        foreach (var (key, child) in obj)
        {
            var normalized = PrivacyRules.NormalizeKey(key);
            if (PrivacyRules.IsUserNormalized(normalized))
            {
                if (!DropsUserKeys)
                {
                    result[key] = child is PyString name ? new PyString(Map(IdKind.User, name.Value, IdFormats.User)) : Walk(child);
                }

                continue;
            }

            if (PrivacyRules.IsSensitiveNormalized(normalized))
            {
                continue;
            }

            result[key] = Walk(child);
        }

        return result;
    }
}
