// A second user's domain, written from the README's "Writing a domain" and "Testing your domain" alone: a warehouse
// where each SKU is registered once per tenant (a dynamic consistency boundary on the SKU's tag, no stream), stock
// received and shipped per SKU (a stream-keyed decider that never ships more than it holds), a stock-levels reducer
// and a query over it.
module Hybrid.Tests.Properties.Testing.Inventory

open Hybrid

type Register = { Sku: string; Name: string }
type Move = { Sku: string; Quantity: int }

type CatalogueEvent = Registered of Register

type CatalogueCommand = RegisterItem of Register

type StockCommand =
    | Receive of Move
    | Ship of Move

type StockEvent =
    | Received of Move
    | Shipped of Move

let skuTag (sku: string) : Tag = $"sku:{sku}"

let catalogueCodec: EventCodec<CatalogueEvent> =
    EventCodec.create [ "ItemRegistered" ] (fun (Registered r) -> "ItemRegistered", box r) (fun _ json ->
        JsonPayload.tryRead<Register> json |> Option.map Registered)

/// Registering a SKU: the state is whether any event carrying the SKU's tag exists.
let catalogue: Decider<CatalogueCommand, CatalogueEvent, bool> =
    { Initial = false
      Evolve = fun _ _ -> true
      Decide =
        fun _ (RegisterItem r) registered ->
            if registered then Error(Rejection.create "sku-taken" $"SKU '{r.Sku}' is already registered." |> Rejection.withDetail "sku" r.Sku)
            else Ok [ Registered r ] }

let stockCodec: EventCodec<StockEvent> =
    EventCodec.create [ "StockReceived"; "StockShipped" ]
        (function
         | Received m -> "StockReceived", box m
         | Shipped m -> "StockShipped", box m)
        (fun eventType json ->
            match eventType, JsonPayload.tryRead<Move> json with
            | "StockReceived", Some m -> Some(Received m)
            | "StockShipped", Some m -> Some(Shipped m)
            | _ -> None)

let evolveStock (onHand: int) (e: StockEvent) =
    match e with
    | Received m -> onHand + m.Quantity
    | Shipped m -> onHand - m.Quantity

let decideStock (_: DecisionContext) (command: StockCommand) (onHand: int) =
    match command with
    | Receive m
    | Ship m when m.Quantity <= 0 -> Error(Rejection.create "bad-quantity" "The quantity must be positive.")
    | Receive m -> Ok [ Received m ]
    | Ship m when m.Quantity > onHand -> Error(Rejection.create "short" $"Only {onHand} of '{m.Sku}' on hand.")
    | Ship m -> Ok [ Shipped m ]

let stock: Decider<StockCommand, StockEvent, int> = { Initial = 0; Evolve = evolveStock; Decide = decideStock }

let skuOf =
    function
    | Receive m
    | Ship m -> m.Sku

let streamOf (c: StockCommand) = $"stock-{skuOf c}"

let private clerkOnly caller _ = Authorize.inRole "clerk" caller ()

let registerItem =
    Command.ofKeyedDecider "RegisterItem" "catalogue" catalogue catalogueCodec (fun (RegisterItem r) -> [ skuTag r.Sku ])
    |> Command.authorize clerkOnly
    |> Command.validate (fun (RegisterItem r) ->
        if System.String.IsNullOrWhiteSpace r.Sku then Error { Validation.Field = "sku"; Validation.Message = "The SKU is empty." } else Ok())

let stockCommand name = Command.ofDecider name "stock" stock stockCodec streamOf |> Command.authorize clerkOnly

/// The stock-levels reducer: SKU → units on hand.
let stockLevels =
    ReadModel.ofRecorded "stock-levels" 1 stockCodec.EventTypes Map.empty<string, int> (fun view e ->
        match stockCodec.Decode e with
        | Some(Received m) -> view |> Map.add m.Sku (defaultArg (view.TryFind m.Sku) 0 + m.Quantity)
        | Some(Shipped m) -> view |> Map.add m.Sku (defaultArg (view.TryFind m.Sku) 0 - m.Quantity)
        | None -> view)

type StockOf = { Sku: string }

/// Units on hand of one SKU (0 when never received).
let stockOf =
    Query.overViews<StockOf> "stock-of" [ "stock-levels" ] (fun _ -> [ ViewRef.Of "stock-levels" ]) (fun _ q views ->
        let view = views.Head.State :?> Map<string, int>
        QueryAnswer.Found(box (defaultArg (view.TryFind q.Sku) 0)))
    |> Query.authorize<StockOf> clerkOnly

let registry =
    Registry.empty
    |> WriteSide.addCommand registerItem
    |> WriteSide.addCommand (stockCommand "Receive")
    |> WriteSide.addCommand (stockCommand "Ship")
    |> WriteSide.addDecider "catalogue" catalogueCodec
    |> WriteSide.addDecider "stock" stockCodec
    |> Runtime.addReadModel stockLevels
    |> WriteSide.addQuery stockOf

let clara = { Tenant = "tenant-1"; Actor = "clara"; Roles = [| "clerk" |]; CorrelationId = "" }

let registered sku = { catalogueCodec.Encode(Registered { Sku = sku; Name = sku }) with Tags = [| skuTag sku |] }
let received sku n = { stockCodec.Encode(Received { Sku = sku; Quantity = n }) with Stream = $"stock-{sku}" }
let shipped sku n = { stockCodec.Encode(Shipped { Sku = sku; Quantity = n }) with Stream = $"stock-{sku}" }
