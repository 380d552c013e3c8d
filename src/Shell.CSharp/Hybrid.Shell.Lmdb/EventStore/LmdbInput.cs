using System.Text;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// What the embedded store refuses beyond the shared input checks: strings that would not fit an LMDB key (511
/// bytes), checked before anything is queued so that a group commit never meets them.
/// </summary>
internal static class LmdbInput
{
    public static void Append(AppendRequest request)
    {
        var events = request.Events;
        for (var i = 0; i < events.Length; i++)
        {
            var data = events[i].Data;
            Fits(request.Tenant, $"events[{i}].Type", data.Type);
            if (data.Stream is { } stream) Fits(request.Tenant, $"events[{i}].Stream", stream);
            for (var t = 0; t < data.Tags.Length; t++) Fits(request.Tenant, $"events[{i}].Tags[{t}]", data.Tags[t]);
        }
        if (request.Checkpoint is { } checkpoint) Fits(request.Tenant, "checkpoint.Processor", checkpoint.Value.Processor);
    }

    public static void Fits(string tenant, string field, string value)
    {
        if (value.Length * 3 <= StoreKeys.MaxStringBytes) return;
        var bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > StoreKeys.MaxStringBytes)
            throw new InvalidInputException(field,
                $"Tenant '{tenant}': {field}: the value is {bytes} bytes in UTF-8, over the embedded store's limit of {StoreKeys.MaxStringBytes}.");
    }
}
