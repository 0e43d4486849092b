"""Confinement for the worker processes that read user input (queries, uploads).

A worker confines itself before it reads the first request, so nothing a user sends runs
outside these bounds:

- memory: an address-space limit (RLIMIT_AS). Past it an allocation fails; the worker
  dies or reports the failure, and the server replaces it.
- network: its own empty network namespace, entered with unshare(2). An unprivileged user
  may create a user namespace and, inside it, a network namespace: the worker then has no
  interface but a loopback that is down, so no SERVICE, LOAD or remote context can reach
  any host, 127.0.0.1 included, whatever slipped past the query check. Python 3.11 has no
  os.unshare, hence ctypes. Where the kernel refuses (namespaces disabled, seccomp), the
  worker says so and the query check (sparql_guard) is the only defence left.

This module is imported by every worker process: it must stay light.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import sys
from pathlib import Path

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000

def limit_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def cut_off_network() -> bool:
    """Move this process into a network namespace of its own; False if the kernel refuses.
    Must run before the process starts threads (unshare of a user namespace needs a
    single-threaded caller)."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    for flags in (CLONE_NEWUSER | CLONE_NEWNET, CLONE_NEWNET):  # the second works for root
        if libc.unshare(flags) == 0:
            return True
    return False


def confine(memory_mb: int) -> bool:
    """Both limits; returns whether the network is really cut off."""
    isolated = cut_off_network()
    limit_memory(memory_mb)
    return isolated


def child_environment() -> dict[str, str]:
    """The environment for a worker process: ours without the BELEIDSGRAAF_* variables (a
    worker gets its settings from the server, and tokens and passwords stay out of a process
    that reads user input), with this package on its path."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("BELEIDSGRAAF_")}
    # glibc gives each thread that allocates an arena that reserves 64 MB of address space:
    # under the address-space limit a few of RocksDB's threads could use it all up, and
    # the next thread fails to start (the worker dies at once). Two arenas suffice here.
    env.setdefault("MALLOC_ARENA_MAX", "2")
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parent.parent)] + [p for p in sys.path if p])
    return env
