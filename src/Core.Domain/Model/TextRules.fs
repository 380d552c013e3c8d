// Character classes of identifiers and text, and the checks of JSON text as PostgreSQL jsonb stores it.
namespace Hybrid

open System
open System.Buffers
open System.Text

/// The characters an identifier or a text may hold (see the README's "Limits" section).
type CharClass =
    /// ASCII letters, digits, '-', '_' and '.': tenant ids, tag kinds, names of commands, processors, read models, tasks.
    | Key = 0
    /// Any printable character but white space (no control characters, no lone surrogates): stream ids, event types.
    | Identifier = 1
    /// Any printable character, spaces included (no control characters, no line or paragraph separators, no lone
    /// surrogates): tag values, metadata.
    | Text = 2

/// Pure checks of characters and JSON text; each answers where the first problem is.
[<RequireQualifiedAccess>]
module TextRules =

    let private allowed (cls: CharClass) (c: char) =
        match cls with
        | CharClass.Key -> Char.IsAsciiLetterOrDigit c || c = '-' || c = '_' || c = '.'
        | CharClass.Identifier -> not (Char.IsControl c || Char.IsWhiteSpace c)
        | _ -> not (Char.IsControl c || c = '\u2028' || c = '\u2029')

    let private keyChars = SearchValues.Create "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."

    /// The length of the leading run of plain ASCII characters the class allows (found with vector instructions): every
    /// one of them is allowed, so the character-by-character check starts after it.
    let private allowedAsciiPrefix (cls: CharClass) (text: ReadOnlySpan<char>) =
        let outside =
            match cls with
            | CharClass.Key -> MemoryExtensions.IndexOfAnyExcept(text, keyChars)
            | CharClass.Identifier -> MemoryExtensions.IndexOfAnyExceptInRange(text, '!', '~')
            | _ -> MemoryExtensions.IndexOfAnyExceptInRange(text, ' ', '~')
        if outside < 0 then text.Length else outside

    /// The offset of the first character of text[0 .. length - 1] outside the class (a lone surrogate included), or -1.
    let firstOutsideOf (cls: CharClass) (text: string) (length: int) =
        let mutable bad = -1
        let mutable i = allowedAsciiPrefix cls (text.AsSpan(0, length))
        while bad < 0 && i < length do
            let c = text.[i]
            if Char.IsHighSurrogate c && i + 1 < length && Char.IsLowSurrogate text.[i + 1] then
                if cls = CharClass.Key then bad <- i else i <- i + 2
            elif Char.IsSurrogate c || not (allowed cls c) then bad <- i
            else i <- i + 1
        bad

    /// The offset of the first character of the text outside the class (a lone surrogate included), or -1.
    let firstOutside (cls: CharClass) (text: string) = firstOutsideOf cls text text.Length

    /// What the character at the offset is, for an error message.
    let describeAt (text: string) (offset: int) =
        let c = text.[offset]
        if c = '\000' then $"a NUL character at offset {offset}"
        elif Char.IsHighSurrogate c && offset + 1 < text.Length && Char.IsLowSurrogate text.[offset + 1] then
            $"the character '{text.Substring(offset, 2)}' at offset {offset}"
        elif Char.IsSurrogate c then $"a lone surrogate at offset {offset}"
        elif Char.IsControl c then $"the control character U+{int c:X4} at offset {offset}"
        elif Char.IsWhiteSpace c then $"white space (U+{int c:X4}) at offset {offset}"
        else $"the character '{c}' at offset {offset}"

    /// The offset of the first lone surrogate (half of a pair without the other half) in the text's first
    /// <c>before</c> characters, or -1.
    let private firstLoneSurrogateBefore (text: string) (before: int) =
        let span = text.AsSpan()
        let mutable lone = -1
        let mutable i = MemoryExtensions.IndexOfAnyInRange(span, '\uD800', '\uDFFF')
        while i >= 0 && lone < 0 && i < before do
            if Char.IsHighSurrogate span.[i] && i + 1 < span.Length && Char.IsLowSurrogate span.[i + 1] then
                let next = MemoryExtensions.IndexOfAnyInRange(span.Slice(i + 2), '\uD800', '\uDFFF')
                i <- if next < 0 then -1 else i + 2 + next
            else lone <- i
        lone

    /// The offset of the first lone surrogate of the text (UTF-8 cannot encode it), or -1.
    let firstLoneSurrogate (text: string) = firstLoneSurrogateBefore text text.Length

    /// The offset of the first NUL character or lone surrogate of the raw text, or -1.
    let private firstRawProblem (text: string) =
        let nul = text.IndexOf '\000'
        let lone = firstLoneSurrogateBefore text (if nul < 0 then text.Length else nul)
        if nul >= 0 && (lone < 0 || nul < lone) then nul else lone

    let private hex (text: string) (at: int) =
        if at + 4 > text.Length then -1
        else
            match Int32.TryParse(text.AsSpan(at, 4), Globalization.NumberStyles.AllowHexSpecifier, Globalization.CultureInfo.InvariantCulture) with
            | true, v -> v
            | _ -> -1

    /// The first \u escape jsonb refuses (\u0000, or a surrogate escape that is not half of a pair) and its offset.
    let private firstBadEscape (text: string) =
        let mutable problem = null
        let mutable i = text.IndexOf '\\'
        while i >= 0 && isNull problem && i + 1 < text.Length do
            if text.[i + 1] <> 'u' then i <- text.IndexOf('\\', i + 2)
            else
                let code = hex text (i + 2)
                let mutable width = 6
                if code = 0 then problem <- $"holds the escape \\u0000 at offset {i}, which PostgreSQL jsonb cannot store"
                elif code >= 0xD800 && code <= 0xDBFF then
                    let low = if i + 7 < text.Length && text.[i + 6] = '\\' && text.[i + 7] = 'u' then hex text (i + 8) else -1
                    if low >= 0xDC00 && low <= 0xDFFF then width <- 12
                    else problem <- $"holds a lone surrogate at offset {i} (an escaped high surrogate without its low half)"
                elif code >= 0xDC00 && code <= 0xDFFF then
                    problem <- $"holds a lone surrogate at offset {i} (an escaped low surrogate without its high half)"
                i <- if i + width < text.Length then text.IndexOf('\\', i + width) else -1
        problem

    /// Where the key of an object is, in the input or (when it was escaped) unescaped in a scratch buffer.
    [<Struct>]
    type private Key = { InScratch: bool; Start: int; Length: int }

    /// Per-thread lists for the keys of the open objects, so that checking a body allocates nothing.
    [<AllowNullLiteral>]
    type private KeyScratch() =
        [<ThreadStatic; DefaultValue>]
        static val mutable private cached: KeyScratch

        member val Keys = ResizeArray<Key>()
        member val ObjectStarts = ResizeArray<int>()
        member val Unescaped: byte[] = null with get, set

        static member Rent() =
            match KeyScratch.cached with
            | null -> KeyScratch()
            | c ->
                KeyScratch.cached <- null
                c

        static member Return(c: KeyScratch) =
            c.Keys.Clear()
            c.ObjectStarts.Clear()
            if not (isNull c.Unescaped) then
                ArrayPool<byte>.Shared.Return c.Unescaped
                c.Unescaped <- null
            KeyScratch.cached <- c

    let private keyBytes (input: byte[]) (scratch: KeyScratch) (k: Key) =
        if k.InScratch then ReadOnlySpan(scratch.Unescaped, k.Start, k.Length) else ReadOnlySpan(input, k.Start, k.Length)

    /// The first key that appears twice among keys[from ..], or -1: pairwise for small objects, sorted for large ones.
    let private repeatedKey (input: byte[]) (scratch: KeyScratch) (from: int) =
        let keys = scratch.Keys
        let count = keys.Count - from
        if count <= 16 then
            let mutable repeat = -1
            for i in from + 1 .. keys.Count - 1 do
                for j in from .. i - 1 do
                    if repeat < 0 && MemoryExtensions.SequenceEqual(keyBytes input scratch keys.[i], keyBytes input scratch keys.[j]) then repeat <- i
            repeat
        else
            let sorted = keys.GetRange(from, count).ToArray()
            Array.Sort(sorted, Comparison(fun a b -> MemoryExtensions.SequenceCompareTo(keyBytes input scratch a, keyBytes input scratch b)))
            let mutable repeat = -1
            for i in 1 .. sorted.Length - 1 do
                if repeat < 0 && MemoryExtensions.SequenceEqual(keyBytes input scratch sorted.[i], keyBytes input scratch sorted.[i - 1]) then
                    repeat <- keys.IndexOf(sorted.[i], from)
            repeat

    /// Reads the UTF-8 JSON to its end: the reader's complaint, a key repeated in one object (stores keep either the
    /// text, with both, or jsonb's last value: they would disagree), or null when it is one well-formed value.
    let private jsonProblem (input: byte[]) (length: int) =
        let scratch = KeyScratch.Rent()
        try
            try
                let mutable reader = Json.Utf8JsonReader(ReadOnlySpan(input, 0, length), Json.JsonReaderOptions(MaxDepth = Limits.JsonDepth))
                let mutable problem = null
                let mutable unescapedUsed = 0
                while isNull problem && reader.Read() do
                    match reader.TokenType with
                    | Json.JsonTokenType.StartObject -> scratch.ObjectStarts.Add scratch.Keys.Count
                    | Json.JsonTokenType.PropertyName when reader.ValueIsEscaped ->
                        // Unescaped keys take no more bytes than their escaped text, so the input's length is enough for all.
                        if isNull scratch.Unescaped then scratch.Unescaped <- ArrayPool<byte>.Shared.Rent length
                        let written = reader.CopyString(Span(scratch.Unescaped, unescapedUsed, scratch.Unescaped.Length - unescapedUsed))
                        scratch.Keys.Add { InScratch = true; Start = unescapedUsed; Length = written }
                        unescapedUsed <- unescapedUsed + written
                    | Json.JsonTokenType.PropertyName ->
                        scratch.Keys.Add { InScratch = false; Start = int reader.TokenStartIndex + 1; Length = reader.ValueSpan.Length }
                    | Json.JsonTokenType.EndObject ->
                        let from = scratch.ObjectStarts.[scratch.ObjectStarts.Count - 1]
                        scratch.ObjectStarts.RemoveAt(scratch.ObjectStarts.Count - 1)
                        let repeat = repeatedKey input scratch from
                        if repeat >= 0 then
                            let key = Encoding.UTF8.GetString(keyBytes input scratch scratch.Keys.[repeat])
                            problem <- $"holds the key \"{key}\" twice in one object"
                        else scratch.Keys.RemoveRange(from, scratch.Keys.Count - from)
                    | _ -> ()
                if not (isNull problem) then problem
                elif length = 0 then "is empty, not JSON"
                elif reader.BytesConsumed <> int64 length then "is not well-formed JSON: it goes on after the value"
                else null
            with :? Json.JsonException as e ->
                $"is not well-formed JSON: {e.Message}"
        finally
            KeyScratch.Return scratch

    /// Why a JSON text cannot be stored, or null when it can: raw NUL characters and lone surrogates, size in UTF-8
    /// bytes, \u0000 and unpaired surrogate escapes (which PostgreSQL jsonb refuses), then well-formedness and depth.
    let jsonTextProblem (maxBytes: int) (text: string) =
        let raw = firstRawProblem text
        if raw >= 0 then $"holds {describeAt text raw}"
        elif text.Length * 3 > maxBytes && Encoding.UTF8.GetByteCount text > maxBytes then $"is larger than {maxBytes} bytes"
        else
            match firstBadEscape text with
            | null ->
                // Encoded into a pooled buffer: no allocation per event on the common path.
                let buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount text.Length)
                try
                    let length = Encoding.UTF8.GetBytes(text, 0, text.Length, buffer, 0)
                    jsonProblem buffer length
                finally
                    ArrayPool<byte>.Shared.Return buffer
            | problem -> problem
