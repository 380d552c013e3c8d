// Replaced by the sample domain.
namespace Hybrid.Sample
