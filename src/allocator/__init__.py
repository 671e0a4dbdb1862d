"""allocator: optimal yearly training plans for public officials."""

__version__ = "0.1.0"
