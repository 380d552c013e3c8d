// Folding events into state: the one loop every decider, read model and test uses.
namespace Hybrid

/// Pure folds.
module Folding =

    /// Folds events into a state, left to right.
    let fold (evolve: 'State -> 'Event -> 'State) (initial: 'State) (events: 'Event seq) = Seq.fold evolve initial events

    /// Folds recorded events through a decoder: events the decoder does not know (None) are skipped.
    let foldDecoded (decode: RecordedEvent -> 'Event option) (evolve: 'State -> 'Event -> 'State) (initial: 'State) (events: RecordedEvent seq) =
        events
        |> Seq.fold (fun s e -> match decode e with Some ev -> evolve s ev | None -> s) initial

    /// The last position of a batch of recorded events, or the given one when the batch is empty.
    let lastPosition (since: Position) (events: RecordedEvent[]) =
        if events.Length = 0 then since else max since events.[events.Length - 1].Position
