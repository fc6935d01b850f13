"""Start ``augenhoehe serve`` for the bench: raise RLIMIT_NOFILE (10,000 sockets need more
than the default 1,024), optionally pin to one CPU, then exec the real command, so the
process id stays the one the bench measures (RSS, CPU, py-spy).

    python bench/serve.py [--cpu 0] -- --host 127.0.0.1 --port 8001
"""

from __future__ import annotations

import os
import resource
import sys
from pathlib import Path

if __name__ == "__main__":
    args = sys.argv[1:]
    cpu = None
    if args[:1] == ["--cpu"]:
        cpu = int(args[1])
        args = args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    exe = str(Path(sys.executable).with_name("augenhoehe"))
    os.execv(exe, [exe, "serve", *args])
