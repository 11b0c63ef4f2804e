"""The component contract, the registry, specs, and building summarizers, metrics and judges from them."""
