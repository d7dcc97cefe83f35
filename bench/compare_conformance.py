#!/usr/bin/env python3
"""Side-by-side answers of tern, Apache httpd and nginx to ambiguous raw HTTP/1.1 requests.

Starts each server on a free loopback port with a minimal configuration in a temporary
directory, sends every request on a fresh connection, and prints a markdown table of the
status line and the connection's fate: "open" (a follow-up GET on the same connection was
answered 200: kept alive and in sync), "closed" (EOF after the response), or "open, out of
sync" (the follow-up got something other than a clean 200). Servers are stopped at exit.

Usage: bench/compare_conformance.py [--tern build/tern] [--apache /usr/sbin/apache2]
                                    [--nginx /usr/sbin/nginx]
Standard library only.
"""

import argparse
import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

H = "Host: localhost\r\n"
CASES = [
    ("CL + TE", "POST / HTTP/1.1\r\n" + H +
     "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    ("duplicate identical CL", "POST / HTTP/1.1\r\n" + H +
     "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc"),
    ("`Content-Length: +5`", "POST / HTTP/1.1\r\n" + H + "Content-Length: +5\r\n\r\nhello"),
    ("TE chunked in HTTP/1.0", "POST / HTTP/1.0\r\n" + H +
     "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    ("TE `gzip, chunked`", "POST / HTTP/1.1\r\n" + H +
     "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
    ("TE `chunked, gzip`", "POST / HTTP/1.1\r\n" + H +
     "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"),
    ("obs-fold", "GET / HTTP/1.1\r\n" + H + "X-A: a\r\n b\r\n\r\n"),
    ("space before colon", "GET / HTTP/1.1\r\n" + H + "X-A : b\r\n\r\n"),
    ("`GET / HTTP/1.2`", "GET / HTTP/1.2\r\n" + H + "\r\n"),
    ("lowercase `http/1.1`", "GET / http/1.1\r\n" + H + "\r\n"),
    ("absolute-form, other Host", "GET http://example.org/ HTTP/1.1\r\nHost: other\r\n\r\n"),
    ("fragment in target", "GET /#frag HTTP/1.1\r\n" + H + "\r\n"),
    ("`OPTIONS *`", "OPTIONS * HTTP/1.1\r\n" + H + "\r\n"),
    ("TRACE", "TRACE / HTTP/1.1\r\n" + H + "\r\n"),
    ("bare LF line endings", "GET / HTTP/1.1\n" + H.replace("\r\n", "\n") + "\n"),
    ("NUL in header value", "GET / HTTP/1.1\r\n" + H + "X-A: a\0b\r\n\r\n"),
    ("missing Host (1.1)", "GET / HTTP/1.1\r\n\r\n"),
    ("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
    ("bad chunk size", "POST / HTTP/1.1\r\n" + H +
     "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"),
    ("unknown method FOO", "FOO / HTTP/1.1\r\n" + H + "\r\n"),
    ("`Expect: foo`", "GET / HTTP/1.1\r\n" + H + "Expect: foo\r\n\r\n"),
]

FOLLOW_UP = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
PROCS = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def stop_all():
    for p in PROCS:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()


atexit.register(stop_all)


def start(name, argv, port, log):
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    PROCS.append(proc)
    if not wait_port(port, proc):
        log.flush()
        sys.exit(f"{name} did not start: see {log.name}")
    return port


def start_tern(binary, root):
    port = free_port()
    os.makedirs(f"{root}/htdocs", exist_ok=True)
    os.makedirs(f"{root}/logs", exist_ok=True)
    with open(f"{root}/tern.conf", "w") as f:
        f.write(f"Listen 127.0.0.1:{port}\nDocumentRoot htdocs\nErrorLog logs/error_log\n"
                f"PidFile logs/tern.pid\nThreadsPerChild 4\n")
    log = open(f"{root}/output", "w")
    return start("tern", [binary, "-d", root, "-f", "tern.conf"], port, log)


def start_apache(binary, root):
    port = free_port()
    mods = "/usr/lib/apache2/modules"
    conf = "\n".join([
        f"LoadModule mpm_event_module {mods}/mod_mpm_event.so",
        f"LoadModule authz_core_module {mods}/mod_authz_core.so",
        f"LoadModule dir_module {mods}/mod_dir.so",
        f"LoadModule mime_module {mods}/mod_mime.so",
        f"Listen 127.0.0.1:{port}",
        f"ServerName localhost",
        f"PidFile {root}/httpd.pid",
        f"ErrorLog {root}/error.log",
        f"Mutex file:{root} default",
        f"DocumentRoot {root}/htdocs",
        "TypesConfig /etc/mime.types",
        "User www-data" if os.geteuid() == 0 else "",
        "Group www-data" if os.geteuid() == 0 else "",
        "",
    ])
    with open(f"{root}/httpd.conf", "w") as f:
        f.write(conf)
    log = open(f"{root}/output", "w")
    return start("apache", [binary, "-X", "-d", root, "-f", f"{root}/httpd.conf"], port, log)


def start_nginx(binary, root):
    port = free_port()
    temps = " ".join(f"{k}_temp_path {root}/tmp_{k};" for k in
                     ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = (f"daemon off;\nworker_processes 1;\npid {root}/nginx.pid;\n"
            f"error_log {root}/error.log;\n"
            + ("user root;\n" if os.geteuid() == 0 else "")
            + "events { worker_connections 64; }\n"
            f"http {{ access_log off; {temps}\n"
            f"  server {{ listen 127.0.0.1:{port}; server_name localhost; root {root}/htdocs; }} }}\n")
    with open(f"{root}/nginx.conf", "w") as f:
        f.write(conf)
    log = open(f"{root}/output", "w")
    return start("nginx", [binary, "-p", root + "/", "-e", f"{root}/error.log", "-c",
                           f"{root}/nginx.conf"], port, log)


def read_response(sock, buf, timeout=1.0):
    """Reads one response from `sock` (buf: bytes already read). Returns
    (status_line or None, rest_of_buffer, eof)."""
    sock.settimeout(timeout)
    eof = False
    while b"\r\n\r\n" not in buf:
        try:
            data = sock.recv(65536)
        except socket.timeout:
            return None, buf, False
        except ConnectionResetError:
            return None, buf, True
        if not data:
            return None, buf, True
        buf += data
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = lines[0].decode("latin-1")
    length = None
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        if name.strip().lower() == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    code = status.split(" ")[1] if " " in status else ""
    if code.startswith("1") or code in ("204", "304"):
        length = 0
    while True:
        if length is not None and len(rest) >= length:
            return status, rest[length:], eof
        if chunked and b"0\r\n\r\n" in rest:
            return status, rest[rest.index(b"0\r\n\r\n") + 5:], eof
        try:
            data = sock.recv(65536)
        except (socket.timeout, ConnectionResetError):
            return status, b"", True
        if not data:
            return status, b"", True
        rest += data


def probe(port, raw):
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        try:
            s.sendall(raw.encode("latin-1"))
        except OSError:
            pass
        status, rest, eof = read_response(s, b"")
        while status and status.split(" ")[1].startswith("1"):  # skip 1xx
            status, rest, eof = read_response(s, rest)
        if status is None:
            return ("(no response)" if not eof else "(closed, no response)"), "closed" if eof else "timeout"
        if eof:
            return status, "closed"
        try:
            s.sendall(FOLLOW_UP)
        except OSError:
            return status, "closed"
        nxt, _, eof2 = read_response(s, rest)
        if nxt is None:
            return status, "closed"
        return status, "open" if nxt.split(" ")[1] == "200" else f"open, then `{nxt}`"


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--tern", default=os.path.join(here, "..", "build", "tern"))
    ap.add_argument("--apache", default="/usr/sbin/apache2")
    ap.add_argument("--nginx", default="/usr/sbin/nginx")
    args = ap.parse_args()
    base = tempfile.mkdtemp(prefix="conformance-")
    atexit.register(shutil.rmtree, base, True)
    os.chmod(base, 0o755)
    servers = []
    for name, fn, binary in (("tern", start_tern, args.tern), ("Apache httpd", start_apache,
                              args.apache), ("nginx", start_nginx, args.nginx)):
        root = os.path.join(base, name.split()[0].lower())
        os.makedirs(f"{root}/htdocs", exist_ok=True)
        with open(f"{root}/htdocs/index.html", "w") as f:
            f.write("<h1>hi</h1>\n")
        os.chmod(root, 0o755)
        os.chmod(f"{root}/htdocs", 0o755)
        os.chmod(f"{root}/htdocs/index.html", 0o644)
        servers.append((name, fn(os.path.abspath(binary), root)))
    print("| request | " + " | ".join(n for n, _ in servers) + " |")
    print("|---|" + "---|" * len(servers))
    for label, raw in CASES:
        cells = []
        for _, port in servers:
            status, fate = probe(port, raw)
            cells.append(f"{status} — {fate}")
        print(f"| {label} | " + " | ".join(cells) + " |")
    print("\n(fate: *open* = a follow-up GET on the same connection got 200; *closed* = EOF "
          "after the response)")


if __name__ == "__main__":
    main()
