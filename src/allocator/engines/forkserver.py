"""A small process that forks the child processes of large HiGHS MIPs, ready to work.

A fresh interpreter for each MIP (``python -m allocator.engines.highs_child``) spends ~0.25 s of
CPU starting and importing numpy and highspy before it reads its job, and the MIP waits for it:
on the generated city, a solve starts three to twelve of them (a question asked alone races two).
The server is started once, imports those modules, and from then on forks a child per request
(a few milliseconds). It never runs HiGHS itself and has one thread (BLAS's thread pool is held
to one), so a fork copies nothing that is half-done.

The parent and each child talk over one socket (:class:`multiprocessing.connection.Connection`,
both ways): the job goes out, the child's messages come back, and the end of the socket says
the child has ended. The server reaps its children only when the parent closes it, so a child's
process id stays its own, and ``kill`` never reaches another process, for as long as the
parent holds the server. Unix only (``fork``, descriptors passed over a socket), as before.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import struct
import subprocess
import sys
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

_PID = struct.Struct("<q")


class ForkServer:
    """The server process, and the parent's end of its socket."""

    def __init__(self, proc: subprocess.Popen[bytes], sock: socket.socket) -> None:
        self.proc = proc
        self.sock = sock

    @classmethod
    def start(cls) -> ForkServer:
        """Start a server (it imports while the caller goes on; a request waits for it)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        # The children import this very package, even when it is not installed (``python
        # cli.py``).
        package_root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [package_root, *filter(None, [os.environ.get("PYTHONPATH")])]),
            "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        proc = subprocess.Popen([sys.executable, "-m", "allocator.engines.highs_child",
                                 str(theirs.fileno())], pass_fds=(theirs.fileno(),),
                                stdin=subprocess.DEVNULL, env=env)
        theirs.close()
        return cls(proc, ours)

    def fork(self) -> Child:
        """A new child, waiting for its job on the returned connection."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            socket.send_fds(self.sock, [b"F"], [theirs.fileno()])
            pid = _PID.unpack(_receive(self.sock, _PID.size))[0]
        finally:
            theirs.close()
        return Child(pid, Connection(ours.detach()))

    def close(self) -> None:
        """End the server: it reaps its children (the caller has stopped them) and exits."""
        self.sock.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Child:
    """A forked child: its process id and the parent's end of its socket."""

    def __init__(self, pid: int, conn: Connection) -> None:
        self.pid = pid
        self.conn = conn
        self.gone = False  # its end of the socket is closed: it has ended

    def stop(self) -> None:
        """Kill it unless it has ended, and wait until its end of the socket closes."""
        if not self.gone:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)  # not reaped yet: still this child's id
            try:
                while True:  # what it sent before it died, then the end
                    self.conn.recv_bytes()
            except (EOFError, OSError):
                self.gone = True
        self.conn.close()


def _receive(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        more = sock.recv(n - len(data))
        if not more:
            raise EOFError("the fork server has ended")
        data += more
    return data


def serve(sock: socket.socket, work: Callable[[Connection], None]) -> None:
    """The server's loop: for each request, fork a child that runs ``work`` on the connection
    it was sent, and answer with the child's process id; when the parent closes the socket,
    reap every child and return.

    Ctrl-C reaches every process of the terminal's group; the server and its children ignore
    it (the children inherit that): the parent decides, stops the children and closes the
    server, and the planner sees one message, not a traceback per process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(sock, 1, 1)
        except OSError:
            break
        if not data or not fds:
            break
        pid = os.fork()
        if pid == 0:  # the child: never returns into the loop
            sock.close()
            code = 0
            try:
                work(Connection(fds[0]))
            except BaseException:  # noqa: BLE001  (reported on stderr, as a fresh process would)
                code = 1
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(code)
        for fd in fds:
            os.close(fd)
        sock.sendall(_PID.pack(pid))
    while True:
        try:
            os.wait()
        except ChildProcessError:
            break
