// The fingerprint stored with the events of a command whose caller chose its id: the same command and input always
// give the same one, whatever order a dictionary's keys were read in; another command or other input gives another.
module Hybrid.Tests.Properties.WriteSide.FingerprintProperties

open System.Collections.Generic
open FsCheck.Xunit
open Hybrid

type Order = { Id: string; Quantity: int; Labels: Dictionary<string, string> }

let private order (id: string) (quantity: int) (labels: (string * string) list) =
    let d = Dictionary<string, string>()
    for (k, v) in labels do d[k] <- v
    { Id = id; Quantity = quantity; Labels = d }

[<Property(MaxTest = 200)>]
let ``the same command and input give the same fingerprint, whatever the order of a dictionary's keys`` (id: string) (quantity: int) (labels: Map<string, string>) =
    let pairs = labels |> Map.toList |> List.filter (fun (k, v) -> not (isNull k) && not (isNull v))
    let forward = Command.fingerprint "PlaceOrder" (order id quantity pairs)
    let backward = Command.fingerprint "PlaceOrder" (order id quantity (List.rev pairs))
    forward = backward && forward.StartsWith "PlaceOrder:"

[<Property(MaxTest = 200)>]
let ``another command or other input gives another fingerprint`` (id: string) (quantity: int) =
    let print = Command.fingerprint "PlaceOrder" (order id quantity [])
    print <> Command.fingerprint "CancelOrder" (order id quantity [])
    && print <> Command.fingerprint "PlaceOrder" (order id (quantity + 1) [])
