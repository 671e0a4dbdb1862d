"""Engines: the only modules that import a solver. Each returns a :class:`allocator.result.Result`."""
