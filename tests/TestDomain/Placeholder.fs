// Replaced by the first test domain.
namespace Hybrid.Tests.TestDomain
