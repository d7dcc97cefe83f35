#!/usr/bin/env python3
"""bench/restart_timeline.py — a timeline of tern's processes through graceful
restarts under load.

Usage: bench/restart_timeline.py [--restarts N] [--clients N] path/to/tern

Starts tern (StartServers 2, ThreadsPerChild 4) on a free loopback port in a
temporary ServerRoot, runs load for about 4 s from Python client threads (half
on keep-alive connections, half with a new connection per request), sends
SIGUSR1 (graceful restart) at 1.0 s and every 1.0 s after, and samples every
100 ms:
  - the children of the control process (/proc/<pid>/task/<pid>/children) with
    each child's generation (from the error log's "child pid N started (slot S,
    generation G)" lines);
  - requests answered so far, failed requests and connection errors.
At the end it prints, per child pid, its generation, the requests it served
(access log, %P) and when it started and exited, then the totals.
"""
import argparse, os, re, signal, socket, subprocess, sys, tempfile, threading, time

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

class Load:
    def __init__(self, port):
        self.port, self.ok, self.failed, self.stop = port, 0, 0, False
        self.lock = threading.Lock()
        self.errors = []
    def _count(self, ok, err=None):
        with self.lock:
            if ok: self.ok += 1
            else:
                self.failed += 1
                if len(self.errors) < 5: self.errors.append(err)
    def _request(self, sock, close):
        req = b"GET /index.html HTTP/1.1\r\nHost: t\r\n" + (b"Connection: close\r\n" if close else b"") + b"\r\n"
        sock.sendall(req)
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(4096)
            if not chunk: raise IOError("closed before response")
            buf += chunk
        head, body = buf.split(b"\r\n\r\n", 1)
        m = re.search(rb"(?i)content-length:\s*(\d+)", head)
        n = int(m.group(1)) if m else 0
        while len(body) < n:
            chunk = sock.recv(4096)
            if not chunk: raise IOError("short body")
            body += chunk
        status = int(head.split(b" ")[1])
        if status != 200: raise IOError("status %d" % status)
        return re.search(rb"(?i)\r\nconnection:\s*close", head) is not None
    def keep_alive(self):
        while not self.stop:
            try:
                s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            except OSError as e:
                self._count(False, "connect: %s" % e); return
            try:
                while not self.stop:
                    closed = self._request(s, False)
                    self._count(True)
                    if closed: break
            except (OSError, IOError) as e:
                self._count(False, "keep-alive: %s" % e); return
            finally:
                s.close()
    def per_request(self):
        while not self.stop:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                    self._request(s, True)
                self._count(True)
            except (OSError, IOError) as e:
                self._count(False, "new connection: %s" % e); return

def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tern")
    ap.add_argument("--restarts", type=int, default=3)
    ap.add_argument("--clients", type=int, default=4)
    a = ap.parse_args()
    root = tempfile.mkdtemp(prefix="tern-timeline-")
    os.makedirs(root + "/htdocs"); os.makedirs(root + "/logs")
    open(root + "/htdocs/index.html", "w").write("hello\n")
    port = free_port()
    open(root + "/tern.conf", "w").write(
        "Listen 127.0.0.1:%d\nDocumentRoot htdocs\nErrorLog logs/error_log\nLogLevel info\n"
        "LogFormat \"%%P %%s\" pidfmt\nCustomLog logs/access_log pidfmt\nPidFile logs/tern.pid\n"
        "StartServers 2\nThreadsPerChild 4\nMinSpareThreads 1\nMaxSpareThreads 64\n" % port)
    proc = subprocess.Popen([a.tern, "-d", root, "-f", "tern.conf"])
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close(); break
        except OSError:
            time.sleep(0.02)
    load = Load(port)
    threads = [threading.Thread(target=load.keep_alive if i % 2 == 0 else load.per_request)
               for i in range(a.clients)]
    for t in threads: t.start()
    t0 = time.monotonic()
    gens, started, exited = {}, {}, {}
    def read_log():
        try: text = open(root + "/logs/error_log").read()
        except OSError: return
        for m in re.finditer(r"child pid (\d+) started \(slot (\d+), generation (\d+)\)", text):
            gens[int(m.group(1))] = int(m.group(3))
    def seen_pids():
        return set(started)
    print("%7s  %-9s %-9s %-40s" % ("t (s)", "requests", "failed", "children (pid:generation)"))
    restarts_done, last_line, total = 0, None, 1.0 + a.restarts * 1.0 + 1.0
    while time.monotonic() - t0 < total:
        t = time.monotonic() - t0
        if restarts_done < a.restarts and t >= 1.0 + restarts_done * 1.0:
            os.kill(proc.pid, signal.SIGUSR1); restarts_done += 1
            print("%7.2f  --- SIGUSR1 (graceful restart %d) sent to control process %d ---" % (t, restarts_done, proc.pid))
        read_log()
        kids = children(proc.pid)
        for k in kids:
            started.setdefault(k, t)
        for k in list(started):
            if k not in kids and k not in exited: exited[k] = t
        line = " ".join("%d:%s" % (k, gens.get(k, "?")) for k in sorted(kids))
        if line != last_line or int(t * 10) % 5 == 0:
            print("%7.2f  %-9d %-9d %s" % (t, load.ok, load.failed, line))
            last_line = line
        time.sleep(0.1)
    load.stop = True
    for t in threads: t.join()
    os.kill(proc.pid, signal.SIGTERM); proc.wait(timeout=15)
    read_log()
    per_pid = {}
    for line in open(root + "/logs/access_log"):
        pid = int(line.split()[0]); per_pid[pid] = per_pid.get(pid, 0) + 1
    print("\nper child:  pid  generation  requests  seen from (s)  gone at (s)")
    for pid in sorted(set(per_pid) | set(started), key=lambda p: (gens.get(p, 0), p)):
        print("        %7d  %10s  %8d  %13s  %11s" % (pid, gens.get(pid, "?"), per_pid.get(pid, 0),
              "%.2f" % started[pid] if pid in started else "-",
              "%.2f" % exited[pid] if pid in exited else "-"))
    print("\ntotal: %d requests answered, %d failed, %d graceful restarts, access log lines %d"
          % (load.ok, load.failed, a.restarts, sum(per_pid.values())))
    if load.errors: print("errors:", load.errors)
    return 1 if load.failed else 0

if __name__ == "__main__":
    sys.exit(main())
