// An F# host: definitions in a registry built with F# functions, options set in F# lambdas, no logger given (the
// host's logging is used), and a decider that reads the shell's clock (virtual here) from its decision context.
module Hybrid.Tests.Properties.Hosting.FSharpHostingTests

open System
open System.Threading.Tasks
open Hybrid
open Hybrid.Shell.Commands
open Hybrid.Shell.Hosting
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Hosting
open Microsoft.Extensions.Time.Testing
open Xunit

type Book = { RoomId: string; Guest: string }
type Booked = { RoomId: string; Guest: string; BookedAt: DateTimeOffset }

let private rooms: Decider<Book, Booked, string option> =
    { Initial = None
      Evolve = fun _ e -> Some e.Guest
      Decide =
        fun context book guest ->
            match guest with
            | Some taken -> Error(Rejection.create "taken" $"The room is taken by {taken}.")
            | None -> Ok [ { RoomId = book.RoomId; Guest = book.Guest; BookedAt = context.Now } ] }

let private codec = EventCodec.create [ "Booked" ] (fun (e: Booked) -> "Booked", box e) (fun _ body -> JsonPayload.tryRead<Booked> body)

let private registry =
    let book =
        Command.ofDecider "Book" "room" rooms codec (fun (b: Book) -> $"room-{b.RoomId}")
        |> Command.authorize (fun caller _ -> Authorize.authenticated caller ())
    let welcome =
        TodoProcessor.Create("welcome", [| QueryItem.OfTypes "Booked" |], fun _ e -> ProcessorResult.AtLeastOnce(EffectIntent.Of("welcome", e.Body)))
    Registry.empty |> WriteSide.addCommand book |> Runtime.addProcessor welcome

[<Fact>]
let ``an F# host wires a registry with F# lambdas and its decider sees the shell's virtual time`` () =
    task {
        let clock = FakeTimeProvider(DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero))
        let welcomed = TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously)
        let builder = Host.CreateApplicationBuilder()
        builder.Services.AddSingleton<TimeProvider>(clock) |> ignore
        builder.Services.AddHybrid(registry, fun hybrid ->
            hybrid
                .UseInMemory()
                .AddEffectHandler("welcome", fun effect _ ->
                    welcomed.TrySetResult(string effect.Intent.Payload) |> ignore
                    Task.CompletedTask)
                .Processing(fun o -> o.NodeId <- "fsharp-node")
                .Commands(fun o -> o.MaxAttempts <- 3)
            |> ignore)
        |> ignore
        use host = builder.Build()
        do! host.StartAsync()
        let commands = host.Services.GetRequiredService<CommandProcessor>()
        let ann = { Tenant = "hotel"; Actor = "ann"; Roles = [||]; CorrelationId = "" }
        let! outcome = commands.ExecuteAsync(ann, "Book", box { RoomId = "12"; Guest = "Zoe" })
        let booked =
            match outcome with
            | CommandOutcome.Accepted accepted -> Array.exactlyOne accepted.Events
            | other -> failwith $"Expected the booking to be accepted, got {other}"
        let! again = commands.ExecuteAsync(ann, "Book", box { RoomId = "12"; Guest = "Max" })
        Assert.True(again.IsRejected)
        Assert.Equal(clock.GetUtcNow(), (JsonPayload.tryRead<Booked> booked.Body).Value.BookedAt)
        Assert.Equal("ann", booked.Metadata.Actor)

        // Processors poll on the host's (virtual) clock: move it until the welcome effect ran.
        let mutable waited = 0
        while not welcomed.Task.IsCompleted && waited < 300 do
            clock.Advance(TimeSpan.FromMilliseconds 500.)
            do! Task.Delay 20
            waited <- waited + 1
        Assert.Contains("Zoe", welcomed.Task.Result)
        do! host.StopAsync()
    }
