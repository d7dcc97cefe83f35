#!/usr/bin/env python3
"""Holds N idle keep-alive connections, or N partial request heads, on loopback.

Usage: hold_idle.py PORT N [--path /index.html] [--seconds S] [--pid PID]
                          [--partial] [--connect-seconds 60] [--tls]

Opens N connections (spread over source addresses 127.0.0.2, .3, … so that
ports never run short). By default it sends one GET on each and reads the
response, then keeps them all open and idle for S seconds. With --partial it
sends only the start of a request head on each ("GET / HTTP/1.1\r\nHost:
x\r\nX-a: ", no end) and holds them S seconds (keep S below the server's
header timeout). Connections not answered (or, with --partial, not even
connected: a server's full backlog drops SYNs) after --connect-seconds are
given up on. Prints, as key=value lines:
  opened, answered (idle mode) or sent (partial mode), still_open (after S
  seconds, probed with a non-blocking recv: no EOF and no reset), and with
  --pid, for the server's whole process tree: its RSS and the number of
  sockets it holds before and after (server_conns = the growth: connections
  the server accepted, not those waiting in its backlog), and the RSS growth
  per accepted connection; the same for its PSS (pss_*: each shared page is
  divided among the processes that map it, so a library's code or a page a
  child shares with its parent after fork counts once for the tree, where the
  RSS sum counts it in every process). Stops by itself; loopback only.
With --tls (idle mode only) each connection does a TLS handshake (certificate not
verified) before its GET, one connection at a time (blocking, simple: for a
thousand or so connections).
"""
import argparse
import errno
import os
import resource
import select
import socket
import ssl
import sys
import time


def tree_pids(pid):
    """The pid and all its descendants (a forking server's whole process tree)."""
    pids, i = [pid], 0
    while i < len(pids):
        try:
            for task in os.listdir(f"/proc/{pids[i]}/task"):
                with open(f"/proc/{pids[i]}/task/{task}/children") as f:
                    pids += [int(p) for p in f.read().split()]
        except OSError:
            pass
        i += 1
    return pids


def _tree_sum_kib(pid, name, key):
    """Sum over the process tree of pid of the first "key" line of /proc/PID/name, in KiB."""
    total = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/{name}") as f:
                for line in f:
                    if line.startswith(key):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def rss_kib(pid):
    """Sum of VmRSS over the process tree of pid, in KiB."""
    return _tree_sum_kib(pid, "status", "VmRSS:")


def pss_kib(pid):
    """Sum of Pss over the process tree of pid, in KiB (/proc/PID/smaps_rollup)."""
    return _tree_sum_kib(pid, "smaps_rollup", "Pss:")


def memory_kib(pid):
    """{"rss": …, "pss": …}: both sums over the process tree of pid, in KiB."""
    return {"rss": rss_kib(pid), "pss": pss_kib(pid)}


def socket_count(pid):
    """Open sockets over the process tree of pid (listeners, connections, pipes excluded)."""
    total = 0
    for p in tree_pids(pid):
        try:
            fds = os.listdir(f"/proc/{p}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{p}/fd/{fd}").startswith("socket:"):
                    total += 1
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
    ap.add_argument("--partial", action="store_true", help="send a partial request head only")
    ap.add_argument("--connect-seconds", type=float, default=60.0,
                    help="give up on connections not answered (or sent) by then")
    ap.add_argument("--tls", action="store_true", help="HTTPS: a TLS handshake first")
    a = ap.parse_args()
    if a.tls and a.partial:
        ap.error("--tls holds idle connections only (no --partial)")

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, a.n + 100)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

    before = memory_kib(a.pid) if a.pid else {}
    socks_before = socket_count(a.pid) if a.pid else 0
    if a.partial:
        req = f"GET {a.path} HTTP/1.1\r\nHost: x\r\nX-a: ".encode()
    else:
        req = f"GET {a.path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
    socks = []
    if a.tls:
        socks = _hold_tls(a, req)
        done = len(socks)
        print(f"opened={len(socks)}")
        print(f"answered={done}")
        sys.stdout.flush()
        _report(a, socks, before, socks_before)
        return
    poller = select.epoll()
    pending = {}
    deadline = time.time() + a.connect_seconds
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
        # Keep the number of unanswered connections bounded (checked every 100).
        while i % 100 == 99 and _unfinished(pending) > 2000 and time.time() < deadline:
            _pump(poller, pending, req, 0.05, a.partial)
    # Connections beyond a server's admission limit wait in its backlog (SYN
    # retries): keep pumping until all are answered or the deadline passes.
    while _unfinished(pending) and time.time() < deadline:
        _pump(poller, pending, req, 0.5, a.partial)
    done = sum(1 for v in pending.values() if v[2])
    print(f"opened={len(socks)}")
    print(f"{'sent' if a.partial else 'answered'}={done}")
    if ERRORS:
        print(f"errors={ERRORS}")
    sys.stdout.flush()
    _report(a, socks, before, socks_before)


def _hold_tls(a, req):
    """Opens a.n TLS connections one at a time, each answered once; returns them."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    socks = []
    deadline = time.time() + a.connect_seconds
    for i in range(a.n):
        if time.time() > deadline:
            break
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        raw.bind((f"127.0.0.{2 + i // a.per_address}", 0))
        raw.settimeout(10)
        try:
            raw.connect(("127.0.0.1", a.port))
            s = ctx.wrap_socket(raw)
            s.sendall(req)
            buf = b""
            while b"\r\n\r\n" not in buf:
                buf += s.recv(65536)
            head, _, body = buf.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            while len(body) < length:
                body += s.recv(65536)
            socks.append(s)
        except OSError as e:
            ERRORS[e.errno] = ERRORS.get(e.errno, 0) + 1
            raw.close()
    return socks


def _report(a, socks, before, socks_before):
    """Waits a.seconds, then prints still_open and, with --pid, the server's growth."""
    time.sleep(a.seconds)
    still = 0
    for s in socks:
        if isinstance(s, ssl.SSLSocket):  # peek at the TCP stream under the TLS layer
            s = socket.socket(fileno=os.dup(s.fileno()))
        try:
            d = s.recv(1, socket.MSG_DONTWAIT | socket.MSG_PEEK)
            if d:
                still += 1  # unexpected data, but open
        except (BlockingIOError, ssl.SSLWantReadError):
            still += 1
        except OSError:
            pass
    print(f"still_open={still}")
    if a.pid:
        after = memory_kib(a.pid)
        conns = socket_count(a.pid) - socks_before
        print(f"server_conns={conns}")
        for m in ("rss", "pss"):
            print(f"{m}_before_kib={before[m]}")
            print(f"{m}_after_kib={after[m]}")
            if conns > 0:
                print(f"{m}_per_conn_bytes={(after[m] - before[m]) * 1024 / conns:.0f}")
    for s in socks:
        s.close()


ERRORS = {}


def _unfinished(pending):
    return sum(1 for v in pending.values() if not v[2] and v[0].fileno() >= 0)


def _pump(poller, pending, req, timeout, partial):
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
                s.close()  # failed: no longer waited for
                continue
            if partial:
                entry[2] = True  # sent; nothing comes back until the head ends
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
                s.close()
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
