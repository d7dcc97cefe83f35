#!/usr/bin/env python3
"""Instructions per unit in callgrind profiles, split by the object file that ran them.

Usage: profile_objects.py NAME:UNITS:PROFILE:BINARY [...]

Each argument is one column: NAME heads it, PROFILE is a callgrind output file recorded
with --dump-instr=yes, UNITS what the instructions are divided by (connections,
requests), BINARY the server's executable (its own code is the "server" row). Rows:
libcrypto, libssl, libc, server, other (ld.so, libstdc++, …), total. The self cost of
every instruction comes from bench/locked_ops.py's reader of the profile format.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from locked_ops import executions  # noqa: E402

ROWS = ("libcrypto", "libssl", "libc", "server", "other")


def kind(obj, binary):
    """The row an object file's instructions count in."""
    if obj and os.path.realpath(obj) == binary:
        return "server"
    for lib in ("libcrypto", "libssl"):
        if obj and lib in obj:
            return lib
    if obj and re.search(r"/libc[.-]", obj):
        return "libc"
    return "other"


def column(profile, binary):
    """{row: instructions} of one profile."""
    sums = dict.fromkeys(ROWS, 0)
    for (obj, _), (n, _) in executions(profile).items():
        sums[kind(obj, binary)] += n
    return sums


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    heads, columns = [], []
    for spec in sys.argv[1:]:
        name, units, profile, binary = spec.split(":", 3)
        units = int(units)
        heads.append(f"{name} ({units})")
        sums = column(profile, os.path.realpath(binary)) if units > 0 else None
        columns.append((sums, units))
    print(f"{'':12}" + "".join(f"{h:>18}" for h in heads))
    for row in ROWS + ("total",):
        cells = []
        for sums, units in columns:
            if sums is None:
                cells.append(f"{'no units':>18}")
                continue
            v = sum(sums.values()) if row == "total" else sums[row]
            cells.append(f"{v / units:18.0f}")
        print(f"{row:12}" + "".join(cells))


if __name__ == "__main__":
    main()
