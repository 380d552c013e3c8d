using Hybrid.Shell.Processors;

namespace Hybrid.Shell.Producers;

/// <summary>A producer and the broker it publishes to, run by the processor host under the processors' leases.</summary>
public sealed record ProducerRegistration(Producer Producer, IIntegrationPublisher Publisher)
{
    internal Func<string, Lease, ITenantRun> RunsOf(ProcessorRuntime runtime)
    {
        var publishing = Publishing(runtime);
        return (tenant, lease) => new ProducerRun(runtime, publishing, tenant, lease);
    }

    internal ProducerPublishing Publishing(ProcessorRuntime runtime) => new(runtime, Producer, Publisher);
}
