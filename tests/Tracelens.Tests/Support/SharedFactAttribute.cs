using Xunit;

namespace Tracelens.Tests.Support;

/// <summary>
/// A fact that needs the read-only reference folder <c>../shared</c>. On a checkout without it
/// the test is skipped with a message saying so, instead of failing.
/// </summary>
public sealed class SharedFactAttribute : FactAttribute
{
    public SharedFactAttribute()
    {
        if (TestPaths.SharedRoot is null)
        {
            Skip = "needs ../shared (conformance fixtures) beside the checkout; absent here";
        }
    }
}

/// <summary>A theory that needs <c>../shared</c>; skipped with a reason when it is absent.</summary>
public sealed class SharedTheoryAttribute : TheoryAttribute
{
    public SharedTheoryAttribute()
    {
        if (TestPaths.SharedRoot is null)
        {
            Skip = "needs ../shared (conformance fixtures) beside the checkout; absent here";
        }
    }
}
