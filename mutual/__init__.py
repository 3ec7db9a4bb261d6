"""Top floor: the `mutual` command, the worker and the demo, thin layers over the floors below."""
