"""Entry point of the fork server of large HiGHS MIPs (see
:mod:`allocator.engines.forkserver`): ``python -m allocator.engines.highs_child SOCKET`` with the
descriptor of the socket it receives its requests on. Importing :mod:`allocator.engines.highs`
first gives every child it forks numpy, highspy and the engine, loaded."""

from __future__ import annotations

import socket
import sys

from allocator.engines.forkserver import serve
from allocator.engines.highs import child_main

if __name__ == "__main__":
    serve(socket.socket(fileno=int(sys.argv[1])), child_main)
