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

    /// The offset of the first character of the text outside the class (a lone surrogate included), or -1.
    let firstOutside (cls: CharClass) (text: string) =
        let mutable bad = -1
        let mutable i = 0
        while bad < 0 && i < text.Length do
            let c = text.[i]
            if Char.IsHighSurrogate c && i + 1 < text.Length && Char.IsLowSurrogate text.[i + 1] then
                if cls = CharClass.Key then bad <- i else i <- i + 2
            elif Char.IsSurrogate c || not (allowed cls c) then bad <- i
            else i <- i + 1
        bad

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

    /// The offset of the first NUL character or lone surrogate of the raw text, or -1.
    let private firstRawProblem (text: string) =
        let span = text.AsSpan()
        let nul = MemoryExtensions.IndexOf(span, '\000')
        let mutable lone = -1
        let mutable i = MemoryExtensions.IndexOfAnyInRange(span, '\uD800', '\uDFFF')
        while i >= 0 && lone < 0 && (nul < 0 || i < nul) do
            if Char.IsHighSurrogate span.[i] && i + 1 < span.Length && Char.IsLowSurrogate span.[i + 1] then
                let next = MemoryExtensions.IndexOfAnyInRange(span.Slice(i + 2), '\uD800', '\uDFFF')
                i <- if next < 0 then -1 else i + 2 + next
            else lone <- i
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

    /// Reads the UTF-8 JSON to its end; the reader's complaint, or null when it is one well-formed value.
    let private jsonProblem (utf8: ReadOnlySpan<byte>) =
        try
            let mutable reader = Json.Utf8JsonReader(utf8, Json.JsonReaderOptions(MaxDepth = Limits.JsonDepth))
            while reader.Read() do
                ()
            if utf8.Length = 0 then "is empty, not JSON"
            elif reader.BytesConsumed <> int64 utf8.Length then "is not well-formed JSON: it goes on after the value"
            else null
        with :? Json.JsonException as e ->
            $"is not well-formed JSON: {e.Message}"

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
                    jsonProblem (ReadOnlySpan(buffer, 0, length))
                finally
                    ArrayPool<byte>.Shared.Return buffer
            | problem -> problem
