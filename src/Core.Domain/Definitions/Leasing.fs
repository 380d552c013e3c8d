// Fair sharing of lease resources between live nodes: a pure plan each node computes from what the lease store shows.
namespace Hybrid

open System

/// What one node should do with its leases in one rebalancing round.
type LeasePlan =
    { /// Free resources to try to acquire, most preferred first.
      Acquire: string[]
      /// Resources this node holds beyond its fair share, to release.
      Release: string[] }

/// The fair-share rule: with R resources and N live nodes, each node holds at most ceil(R / N).
module Leasing =

    /// The resource a node's heartbeat lease is held on.
    let nodeResource (node: string) = $"node/{node}"

    /// The prefix of every node heartbeat resource.
    let nodePrefix = "node/"

    /// The most resources one node should hold.
    let fairShare (resources: int) (nodes: int) = if resources = 0 then 0 else (resources + max 1 nodes - 1) / max 1 nodes

    let private preference (node: string) (resource: string) =
        // A per-node order over free resources, so nodes starting together try different resources first.
        let mutable hash = 2166136261u
        for c in node + "\n" + resource do
            hash <- (hash ^^^ uint32 c) * 16777619u
        hash

    /// The plan for a node given all resources, the leases currently held (by anyone) and the live nodes (heartbeats).
    /// Each node aims at ceil(R / N) resources; while another live node holds fewer than floor(R / N), nodes aim at
    /// floor(R / N) instead and release their excess, so a node that joins late still gets its share.
    let plan (node: string) (resources: string[]) (held: Lease[]) (liveNodes: string[]) =
        let wanted = Set.ofArray resources
        let nodes = Array.append [| node |] liveNodes |> Array.distinct
        let relevant = held |> Array.filter (fun l -> wanted.Contains l.Resource)
        let countOf owner = relevant |> Array.sumBy (fun l -> if l.Owner = owner then 1 else 0)
        let mine = relevant |> Array.filter (fun l -> l.Owner = node) |> Array.map (fun l -> l.Resource) |> Array.sort
        let taken = held |> Array.map (fun l -> l.Resource) |> Set.ofArray
        let low = resources.Length / nodes.Length
        let starving = nodes |> Array.exists (fun n -> n <> node && countOf n < low)
        let share = if starving then low else fairShare resources.Length nodes.Length
        if mine.Length > share then
            { Acquire = [||]; Release = mine |> Array.skip share }
        else
            let free = resources |> Array.filter (fun r -> not (taken.Contains r)) |> Array.distinct |> Array.sortBy (preference node)
            { Acquire = free |> Array.truncate (share - mine.Length); Release = [||] }
