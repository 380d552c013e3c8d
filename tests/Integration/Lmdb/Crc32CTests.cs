using System.IO.Hashing;
using Hybrid.Shell.Lmdb.Files;

namespace Hybrid.Tests.Integration.Lmdb;

public sealed class Crc32CTests
{
    [Fact]
    public void the_record_checksum_is_crc32c_as_system_io_hashing_computes_it()
    {
        var random = new Random(3);
        foreach (var length in new[] { 0, 1, 7, 8, 9, 255, 4096, 100_003 })
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data), Crc32C.Of(data));
            var split = length / 3;
            Assert.Equal(Crc32C.Of(data), Crc32C.Of(data.AsSpan(0, split), data.AsSpan(split)));
        }
    }
}
