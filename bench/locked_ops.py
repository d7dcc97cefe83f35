#!/usr/bin/env python3
"""Locked (atomic read-modify-write) instructions per request in a callgrind profile.

Usage: locked_ops.py PROFILE REQUESTS [--sites]

PROFILE is a callgrind output file recorded with --dump-instr=yes (see
bench/request_profile.sh); REQUESTS the number of requests served while it was
recorded. The script disassembles every object the profile names (objdump), finds the
instructions with a lock prefix and the exchanges with a memory operand (xchg is locked
implicitly), sums how often the profile executed each, and prints the total per
request, then per function. With --sites it also prints the source lines (addr2line,
inlined frames joined by "<-") of the sites executed at least once per two requests.

A locked instruction drains the CPU's store buffer (tens of cycles), which callgrind's
instruction count does not show; this count does, exactly and without timing noise.
"""
import collections
import re
import signal
import subprocess
import sys

LOCKED = re.compile(r"\s*([0-9a-f]+):\s+((?:lock |xchg\s+%\w+,\S*\().*)")


def parse_name(value, table):
    """A callgrind name spec "(id) name" or "(id)": the name, remembered by id."""
    m = re.match(r"\((\d+)\)(?: (.*))?", value)
    if not m:
        return value
    if m.group(2) is not None:
        table[m.group(1)] = m.group(2)
    return table.get(m.group(1), "?")


def position(token, previous):
    """A callgrind instruction position: absolute, +/- relative, or * (the same)."""
    if token == "*":
        return previous
    if token[0] in "+-":
        delta = int(token[1:], 0)
        return previous + delta if token[0] == "+" else previous - delta
    return int(token, 0)


def executions(profile):
    """{(object, address): (times executed, function)} for self-cost lines."""
    objects, functions = {}, {}
    counts = {}
    obj = fn = None
    address = 0
    after_call = False
    with open(profile) as f:
        header = True
        for line in f:
            if header:
                if line.startswith("positions:") and "instr" not in line:
                    sys.exit(f"{profile}: recorded without --dump-instr=yes")
                if line.startswith("events:"):
                    header = False
                continue
            if line.startswith("ob="):
                obj = parse_name(line[3:].strip(), objects)
            elif line.startswith("cob="):
                parse_name(line[4:].strip(), objects)
            elif line.startswith("fn="):
                fn = parse_name(line[3:].strip(), functions)
            elif line.startswith("cfn="):
                parse_name(line[4:].strip(), functions)
            elif line.startswith("calls="):
                after_call = True  # the next cost line is the call's inclusive cost
            elif line[:1] in ("+", "-", "*") or line[:1].isdigit():
                tokens = line.split()
                address = position(tokens[0], address)
                if after_call:
                    after_call = False
                    continue
                if len(tokens) >= 3:
                    n, _ = counts.get((obj, address), (0, fn))
                    counts[(obj, address)] = (n + int(tokens[2]), fn)
    return counts


def locked_sites(obj):
    """{address: instruction text} of the locked instructions in object file `obj`."""
    try:
        out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", obj],
                             capture_output=True, text=True, check=False).stdout
    except OSError:
        return {}
    sites = {}
    for line in out.splitlines():
        m = LOCKED.match(line)
        if m:
            sites[int(m.group(1), 16)] = m.group(2)
    return sites


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped into head
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    profile, requests = sys.argv[1], int(sys.argv[2])
    counts = executions(profile)
    total = 0
    by_function = collections.Counter()
    hot = []
    for obj in sorted({o for o, _ in counts if o and o != "???"}):
        sites = locked_sites(obj)
        for (o, address), (n, fn) in counts.items():
            if o == obj and address in sites:
                total += n
                by_function[fn] += n
                hot.append((n, obj, address, sites[address]))
    print(f"locked instructions per request: {total / requests:.2f}")
    for fn, n in by_function.most_common():
        if n / requests >= 0.01:
            print(f"  {n / requests:6.2f}  {fn[:110]}")
    if "--sites" in sys.argv:
        for n, obj, address, text in sorted(hot, reverse=True):
            if n / requests < 0.5:
                break
            frames = subprocess.run(["addr2line", "-i", "-e", obj, hex(address)],
                                    capture_output=True, text=True, check=False).stdout.split()
            where = " <- ".join(f.rsplit("/", 1)[-1] for f in frames)
            print(f"  {n / requests:6.2f}  {text[:36]:36}  {where}")


if __name__ == "__main__":
    main()
