using Hybrid.Tests.TestDomain;
using Microsoft.FSharp.Core;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>The read models the write-side tests read: customers by id, counters by id.</summary>
public static class TestViews
{
    /// <summary>"customers": a customer's view (an F# option) by customer id.</summary>
    public static readonly TestViewModel Customers = new("customers", _ => FSharpOption<Customers.CustomerView>.None,
        (scope, state, e) => TestDomain.Customers.evolveView(scope, (FSharpOption<Customers.CustomerView>?)state, e));

    /// <summary>"counters": a counter's total by counter id.</summary>
    public static readonly TestViewModel Counters = new("counters", _ => 0,
        (scope, state, e) => e.Stream == Counter.streamOf(scope) && Counter.codec.Decode.Invoke(e) is { } decoded
            ? Counter.evolve(new Counter.State((int)state!, true), decoded.Value).Total
            : state);

    /// <summary>Views over the store with a lag.</summary>
    public static FollowingViews Following(IEventStore store, TimeSpan lag) => new(store, lag, Customers, Counters);
}
