// Drawings on boards: a command and a query whose payloads, events and answers hold F# unions, options and lists.
module Hybrid.Tests.TestDomain.Drawings

open Hybrid

type Detail = { Label: string; Weight: int }

type Shape =
    | Dot
    | Circle of radius: float
    | Labelled of Detail
    | Rect of width: int * height: int

/// Draws a shape on a board; the event body is the request itself.
type Draw =
    { BoardId: string
      Shape: Shape
      Note: string option
      Colours: string list }

/// The shapes of a board.
type BoardRequest = { BoardId: string }

let streamOf (boardId: string) = $"board-{boardId}"

let tagOf (boardId: string) = $"board:{boardId}"

/// Draw: appends "ShapeDrawn" to the board's stream and answers with the shape.
let draw =
    Command.define<Draw> "Draw" (fun d -> Lookup.Streams [ streamOf d.BoardId ]) (fun _ d _ ->
        CommandDecision.Accept([ EventData.Create("ShapeDrawn", JsonPayload.serialize d, streamOf d.BoardId, tagOf d.BoardId) ], Some(box d.Shape)))
    |> Command.validate (fun (d: Draw) -> JsonPayload.required "boardId" d.BoardId)
    |> Command.authorize Authorize.authenticated
    |> Command.emits [ "ShapeDrawn" ]

/// Board: the shapes drawn on a board, read back from the events' bodies.
let board =
    Query.overEvents "Board" (fun (q: BoardRequest) -> EventQuery.OfTags(tagOf q.BoardId)) (fun _ _ events ->
        let shapes = events |> Array.choose (fun e -> JsonPayload.tryRead<Draw> e.Body) |> Array.map (fun d -> d.Shape) |> List.ofArray
        QueryAnswer.Found(box shapes))
    |> Query.validate (fun (q: BoardRequest) -> JsonPayload.required "boardId" q.BoardId)
    |> Query.authorize Authorize.authenticated
