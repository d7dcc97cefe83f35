#!/usr/bin/env python3
"""Holds N idle keep-alive connections to a server on loopback.

Usage: hold_idle.py PORT N [--path /index.html] [--seconds S] [--pid PID]

Opens N connections (spread over source addresses 127.0.0.1, .2, .3, … so that
ports never run short), sends one GET on each and reads the response, then
keeps them all open and idle for S seconds. Prints, as key=value lines:
  opened, answered, still_open (after S seconds, probed with a non-blocking
  recv: no EOF and no reset), and with --pid the server's RSS before and after
  and the growth per connection. Stops by itself; loopback only.
"""
import argparse
import errno
import os
import resource
import select
import socket
import sys
import time


def rss_kib(pid):
    total = 0
    # The whole process group of a forking server: the pid and its children.
    pids = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            pids += [int(p) for p in f.read().split()]
    except OSError:
        pass
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("n", type=int)
    ap.add_argument("--path", default="/index.html")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--pid", type=int, default=0)
    ap.add_argument("--per-address", type=int, default=20000)
    a = ap.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, a.n + 100)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

    before = rss_kib(a.pid) if a.pid else 0
    req = f"GET {a.path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
    socks = []
    poller = select.epoll()
    pending = {}
    deadline = time.time() + 60
    for i in range(a.n):
        src = f"127.0.0.{2 + i // a.per_address}"
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((src, 0))
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", a.port))
        except BlockingIOError:
            pass
        socks.append(s)
        pending[s.fileno()] = [s, b"", False]
        poller.register(s.fileno(), select.EPOLLOUT)
        # Keep the number of unanswered connections bounded.
        while len([1 for v in pending.values() if not v[2]]) > 2000 and time.time() < deadline:
            _pump(poller, pending, req, 0.05)
    # Connections beyond a server's admission limit wait in its backlog (SYN
    # retries): keep pumping until all are answered or the deadline passes.
    while any(not v[2] for v in pending.values() if v[0].fileno() >= 0) and time.time() < deadline:
        _pump(poller, pending, req, 0.5)
    answered = sum(1 for v in pending.values() if v[2])
    print(f"opened={len(socks)}")
    print(f"answered={answered}")
    if ERRORS:
        print(f"errors={ERRORS}")
    sys.stdout.flush()
    time.sleep(a.seconds)
    still = 0
    for s in socks:
        try:
            d = s.recv(1, socket.MSG_DONTWAIT | socket.MSG_PEEK)
            if d:
                still += 1  # unexpected data, but open
        except BlockingIOError:
            still += 1
        except OSError:
            pass
    print(f"still_open={still}")
    if a.pid:
        after = rss_kib(a.pid)
        print(f"rss_before_kib={before}")
        print(f"rss_after_kib={after}")
        if still:
            print(f"rss_per_conn_bytes={(after - before) * 1024 / still:.0f}")
    for s in socks:
        s.close()


ERRORS = {}


def _pump(poller, pending, req, timeout):
    events = poller.poll(timeout)
    for fd, ev in events:
        entry = pending.get(fd)
        if entry is None:
            continue
        s = entry[0]
        if ev & select.EPOLLOUT:
            try:
                s.send(req)
            except OSError as e:
                ERRORS[e.errno] = ERRORS.get(e.errno, 0) + 1
                poller.unregister(fd)
                continue
            poller.modify(fd, select.EPOLLIN)
        elif ev & (select.EPOLLIN | select.EPOLLHUP | select.EPOLLERR):
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:
                ERRORS["eof"] = ERRORS.get("eof", 0) + 1
                poller.unregister(fd)
                continue
            entry[1] += data
            head_end = entry[1].find(b"\r\n\r\n")
            if head_end >= 0:
                length = 0
                for line in entry[1][:head_end].split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                if len(entry[1]) >= head_end + 4 + length:
                    entry[2] = True
                    poller.unregister(fd)
    return bool(events)


if __name__ == "__main__":
    main()
