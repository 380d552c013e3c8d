using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.ReadModels;

/// <summary>An immutable state of one instance: its pieces, folded up to the watermark. Shared freely between threads.</summary>
public sealed class ReadModelSnapshot
{
    private object? _wholeView;

    internal ReadModelSnapshot(ReadModelDefinition model, ReadModelKey key, long watermark, FSharpMap<string, object> pieces)
    {
        Model = model;
        Key = key;
        Watermark = watermark;
        Pieces = pieces;
    }

    /// <summary>The model's definition.</summary>
    public ReadModelDefinition Model { get; }

    /// <summary>The instance.</summary>
    public ReadModelKey Key { get; }

    /// <summary>The last log position folded into the pieces.</summary>
    public long Watermark { get; }

    /// <summary>The pieces, by name.</summary>
    public FSharpMap<string, object> Pieces { get; }

    /// <summary>What a read with this selector returns (the whole view is computed once per snapshot).</summary>
    public object View(string selector)
    {
        if (selector.Length > 0) return FSharpFunc<string, FSharpMap<string, object>>.InvokeFast(Model.View, selector, Pieces);
        return _wholeView ??= FSharpFunc<string, FSharpMap<string, object>>.InvokeFast(Model.View, selector, Pieces);
    }
}
