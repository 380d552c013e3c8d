using Hybrid;
using Hybrid.InMemory.EventStore;
using Hybrid.Shell.Ids;

// A first demo until the sample application lands: appends to the in-memory store and follows a subscription.
var store = new InMemoryEventStore();
var ids = UuidV7IdSource.System;
using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
const string tenant = "demo";

ProposedEvent Propose(string type, string body, string stream) =>
    new(ids.NewId(), EventData.Create(type, body, stream, $"list:{stream}"), EventMetadata.Empty);

var appended = await store.Append(AppendRequest.Of(tenant,
    Propose("TodoListCreated", """{"name":"Groceries"}""", "list-1"),
    Propose("TodoAdded", """{"text":"milk"}""", "list-1")).When(AppendCondition.Expect("list-1", ExpectedVersion.NoStream)), cts.Token);
Console.WriteLine($"append: {(appended.IsAppended ? "appended" : "condition failed")}");

var stale = await store.Append(AppendRequest.Of(tenant, Propose("TodoAdded", """{"text":"eggs"}""", "list-1"))
    .When(AppendCondition.Expect("list-1", ExpectedVersion.NoStream)), cts.Token);
Console.WriteLine($"append expecting no stream again: {(stale.IsAppended ? "appended" : "condition failed")}");

await foreach (var message in store.Subscribe(tenant, EventQuery.All, cts.Token))
{
    if (message is SubscriptionMessage.Event e)
        Console.WriteLine($"  {e.Item.Position,3}  {e.Item.Stream}@{e.Item.StreamVersion}  {e.Item.Type}  {e.Item.Body}");
    else break;
}
