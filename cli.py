"""Thin shim: ``python cli.py …`` does exactly what the ``allocator`` command does."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from allocator.cli import main, run  # noqa: E402, F401  (main: for callers of this shim)

if __name__ == "__main__":
    run()
