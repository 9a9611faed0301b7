"""Run a Python module or script, then write this one process's peak RSS (KiB) to a file.

Usage::

    python benchmarks/peakrss.py OUT -m feedpub build …
    python benchmarks/peakrss.py OUT -c "code"
    python benchmarks/peakrss.py OUT script.py ARGS…

``OUT`` receives ``<own peak> <largest child's peak>``: the process's own maximum
resident set (``RUSAGE_SELF``), with the peak of its largest waited-for child beside
it (Pagefind, probe workers) — reported apart, never added in.
"""

from __future__ import annotations

import atexit
import os
import resource
import runpy
import sys

OUT = sys.argv[1]
PID = os.getpid()


def report() -> None:
    if os.getpid() != PID:  # a forked worker exits through here too: not ours to report
        return
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(OUT, "w", encoding="ascii") as fh:
        fh.write(f"{own} {children}\n")


atexit.register(report)
if sys.argv[2] == "-m":
    sys.argv = [sys.argv[3], *sys.argv[4:]]
    sys.path[0] = os.getcwd()  # as ``python -m`` sets it
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
elif sys.argv[2] == "-c":
    code = sys.argv[3]
    sys.argv = ["-c", *sys.argv[4:]]
    sys.path[0] = ""
    exec(compile(code, "<string>", "exec"), {"__name__": "__main__"})
else:
    sys.argv = sys.argv[2:]
    sys.path[0] = os.path.dirname(os.path.abspath(sys.argv[0]))
    runpy.run_path(sys.argv[0], run_name="__main__")
