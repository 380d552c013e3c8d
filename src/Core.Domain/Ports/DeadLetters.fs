namespace Hybrid
