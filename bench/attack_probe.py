#!/usr/bin/env python3
"""A legitimate client probing a server under attack, and the server's memory meanwhile.

Usage: attack_probe.py URL --seconds S [--interval 0.1] [--timeout 2]
                           [--size BYTES] [--pid PID] [--ramp R -- ATTACK...]

Starts one request every INTERVAL seconds for S seconds, each on a new
connection (`GET PATH HTTP/1.1`, `Connection: close`), whether or not the
previous ones have finished; a probe succeeds when the whole response (status
200 and, with --size, a body of that many bytes) arrives within TIMEOUT
seconds of its start. With an ATTACK command after `--`, it first reads the
server's baseline (see --pid), then starts ATTACK (its output goes to
--attack-log, default discarded), lets it ramp up for R seconds, probes, and
then waits for ATTACK to end by itself (give it a time limit of R + S or a
little more; it is killed 30 s after that). With --pid it samples, every
0.5 s from the start, the RSS summed over the server's process tree and the
sockets that tree holds (bench/hold_idle.py's rss_kib and socket_count).
Prints key=value lines: probes, failed, median_ms
and max_ms (over the successful probes; "-" when none succeeded), and with --pid
rss_start_kib (before the attack), rss_peak_kib (sampled from the attack's
start to the probes' end), conns_peak (the peak number of sockets minus the
number at the start: connections the server holds, not those in its backlog),
tcp_mem_peak_kib (the kernel's memory for all TCP sockets, system-wide: on a
loopback benchmark, mostly the attack's buffered data), and attack_exit.
Loopback only.
"""
import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hold_idle import rss_kib, socket_count  # noqa: E402


def tcp_mem_kib():
    """The kernel's memory for all TCP sockets (/proc/net/sockstat "TCP: ... mem"), in KiB."""
    try:
        with open("/proc/net/sockstat") as f:
            for line in f:
                if line.startswith("TCP:"):
                    w = line.split()
                    return int(w[w.index("mem") + 1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError):
        pass
    return 0


def probe(host, port, path, size, timeout):
    """Returns the latency in ms of one request, or None when it failed."""
    start = time.monotonic()
    deadline = start + timeout
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                s.settimeout(left)
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
    except OSError:
        return None
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep or not head.startswith(b"HTTP/1.1 200"):
        return None
    if size is not None and len(body) != size:
        return None
    return (time.monotonic() - start) * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--interval", type=float, default=0.1)
    ap.add_argument("--timeout", type=float, default=2.0)
    ap.add_argument("--size", type=int, default=None)
    ap.add_argument("--pid", type=int, default=0)
    ap.add_argument("--ramp", type=float, default=0.0)
    ap.add_argument("--attack-log", default=os.devnull, help="ATTACK's stdout and stderr")
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    a = ap.parse_args(argv[:cut])
    a.attack = argv[cut + 1 :]
    u = urllib.parse.urlsplit(a.url)
    host, port, path = u.hostname, u.port or 80, u.path or "/"

    results = []
    lock = threading.Lock()

    def one():
        r = probe(host, port, path, a.size, a.timeout)
        with lock:
            results.append(r)

    rss_start = rss_kib(a.pid) if a.pid else 0
    socks_start = socket_count(a.pid) if a.pid else 0
    rss_peak, socks_peak, tcp_peak = rss_start, socks_start, tcp_mem_kib()
    log = open(a.attack_log, "wb")
    attack = subprocess.Popen(a.attack, stdout=log, stderr=subprocess.STDOUT) if a.attack else None
    threads = []
    start = time.monotonic()
    next_sample = start
    next_probe = start + a.ramp
    end = next_probe + a.seconds
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if now >= next_probe:
            t = threading.Thread(target=one, daemon=True)
            t.start()
            threads.append(t)
            next_probe += a.interval
        if a.pid and now >= next_sample:
            rss_peak = max(rss_peak, rss_kib(a.pid))
            socks_peak = max(socks_peak, socket_count(a.pid))
            tcp_peak = max(tcp_peak, tcp_mem_kib())
            next_sample += 0.5
        time.sleep(max(0.0, min(next_probe, next_sample if a.pid else end, end) - time.monotonic()))
    for t in threads:
        t.join()
    attack_exit = None
    if attack:
        try:
            attack_exit = attack.wait(timeout=30)
        except subprocess.TimeoutExpired:
            attack.kill()
            attack_exit = attack.wait()
    log.close()
    ok = [r for r in results if r is not None]
    print(f"probes={len(results)}")
    print(f"failed={len(results) - len(ok)}")
    print(f"median_ms={statistics.median(ok):.1f}" if ok else "median_ms=-")
    print(f"max_ms={max(ok):.1f}" if ok else "max_ms=-")
    if a.pid:
        print(f"rss_start_kib={rss_start}")
        print(f"rss_peak_kib={rss_peak}")
        print(f"conns_peak={socks_peak - socks_start}")
        print(f"tcp_mem_peak_kib={tcp_peak}")
    if attack:
        print(f"attack_exit={attack_exit}")


if __name__ == "__main__":
    main()
