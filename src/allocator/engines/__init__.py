"""Engines: the only modules that import a solver; each returns a ``Result``."""
