"""Thin shim: ``python cli.py …`` does exactly what the ``allocator`` command does."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from allocator.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
