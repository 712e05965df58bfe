using Tracelens.Model;

namespace Tracelens.Analysis;

/// <summary>What started a step: TraceLab's "trigger", read from the step's first timing event (tracelab-spec §6.0).</summary>
public enum StepTrigger
{
    /// <summary>The first event is a <c>user_message</c>.</summary>
    User,

    /// <summary>The first event is a <c>tool_result</c>.</summary>
    ToolResult,
}

public static class StepTriggers
{
    /// <summary>
    /// The trigger of a step, or null when its first timing event (if any) is neither a user
    /// message nor a tool result. Deliberately not <c>first_input_event_type</c>, which skips over
    /// leading output events; TraceLab's experiments use the very first event.
    /// </summary>
    public static StepTrigger? Of(AgentStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (step.TimingEvents.Count == 0)
        {
            return null;
        }

        return step.TimingEvents[0].EventType switch
        {
            TimingEventType.UserMessage => StepTrigger.User,
            TimingEventType.ToolResult => StepTrigger.ToolResult,
            _ => null,
        };
    }

    /// <summary>The label experiments write: <c>user</c> or <c>tool_result</c>.</summary>
    public static string Label(this StepTrigger trigger) => trigger == StepTrigger.User ? "user" : "tool_result";
}
