"""Entry point of the child process that runs a large HiGHS MIP (see
:func:`allocator.engines.highs.solve_levels`): ``python -m allocator.engines.highs_child JOB OUT``
with the two pipe descriptors it reads the job from and writes its messages to."""

from __future__ import annotations

import sys
from multiprocessing.connection import Connection

from allocator.engines.highs import child_main

if __name__ == "__main__":
    child_main(Connection(int(sys.argv[1]), writable=False),
               Connection(int(sys.argv[2]), readable=False))
