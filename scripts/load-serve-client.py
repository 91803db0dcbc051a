#!/usr/bin/env python3
"""Fault client for `ksym serve`, and the reports for its load test (scripts/load-serve.sh
runs it; the load itself is examples/load-serve.rs, whose CPU stays small next to the
server's on the same cores).

Loopback only, bounded in time and count. Subcommands:
  split     cut the reports out of logs (by `ksym decode --json` line ranges) and record
            what `ksym decode` prints for each
  baseline  one `ksym decode` process per report, for a while; reports/s
  faults    clients gone mid-body, malformed and oversized requests, idle connections
            with requests answered meanwhile, a slowloris
  sink      a TCP server that accepts and never answers (a hung debuginfod)
Each prints one JSON object.
"""

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import threading
import time


def percentile(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, int(round(p / 100.0 * (len(xs) - 1)))))
    return xs[k]


def request(addr, method, target, body=b"", timeout=60.0):
    """One request on its own connection: (status, body)."""
    host, port = addr.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        head = (
            f"{method} {target} HTTP/1.1\r\nHost: ksym\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        s.sendall(head + body)
        chunks = []
        while True:
            c = s.recv(1 << 16)
            if not c:
                break
            chunks.append(c)
    data = b"".join(chunks)
    end = data.find(b"\r\n\r\n")
    if end < 0:
        raise IOError("no answer head")
    status = int(data.split(b" ", 2)[1])
    return status, data[end + 4 :]


def reports(d):
    out = []
    for name in sorted(os.listdir(d)):
        if name.endswith(".log"):
            base = os.path.join(d, name[:-4])
            with open(base + ".log", "rb") as f:
                log = f.read()
            with open(base + ".want", "rb") as f:
                want = f.read()
            with open(base + ".args") as f:
                args = f.read().split("\n")
            out.append((name, log, want, [a for a in args if a]))
    return out


def cmd_split(a):
    os.makedirs(a.out, exist_ok=True)
    n = 0
    for spec in a.logs:
        log, vmlinux, moddir = spec.split(",")
        js = subprocess.run(
            [a.bin, "decode", "--json", "--vmlinux", vmlinux, "--modules", moddir, log],
            capture_output=True,
        ).stdout
        with open(log, "rb") as f:
            lines = f.read().split(b"\n")
        for rec in js.decode().splitlines():
            o = json.loads(rec)["data"]
            body = b"\n".join(lines[o["first_line"] - 1 : o["last_line"]]) + b"\n"
            base = os.path.join(a.out, f"{n:03d}")
            with open(base + ".log", "wb") as f:
                f.write(body)
            args = ["--vmlinux", vmlinux, "--modules", moddir]
            want = subprocess.run(
                [a.bin, "decode"] + args + [base + ".log"], capture_output=True
            ).stdout
            with open(base + ".want", "wb") as f:
                f.write(want)
            with open(base + ".args", "w") as f:
                f.write("\n".join(args) + "\n")
            n += 1
    print(json.dumps({"reports": n}))


def cmd_baseline(a):
    rs = reports(a.reports)
    lat, wrong, lock = [], [0], threading.Lock()
    stop = time.monotonic() + a.seconds

    def worker(k):
        i = k
        while time.monotonic() < stop:
            name, _, want, args = rs[i % len(rs)]
            i += a.parallel
            t = time.monotonic()
            out = subprocess.run(
                [a.bin, "decode"] + args + [os.path.join(a.reports, name)],
                capture_output=True,
            ).stdout
            dt = time.monotonic() - t
            with lock:
                lat.append(dt)
                wrong[0] += out != want

    t0 = time.monotonic()
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(a.parallel)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    el = time.monotonic() - t0
    print(json.dumps(summary(lat, el, wrong=wrong[0], errors=0, extra={"parallel": a.parallel})))


def summary(lat, el, wrong, errors, extra=None):
    d = {
        "requests": len(lat),
        "seconds": round(el, 2),
        "per_second": round(len(lat) / el, 1) if el else None,
        "p50_ms": round(percentile(lat, 50) * 1000, 1) if lat else None,
        "p99_ms": round(percentile(lat, 99) * 1000, 1) if lat else None,
        "max_ms": round(max(lat) * 1000, 1) if lat else None,
        "wrong": wrong,
        "errors": errors,
    }
    d.update(extra or {})
    return d


def cmd_faults(a):
    rs = reports(a.reports)
    name, log, want, _ = rs[0]
    host, port = a.addr.rsplit(":", 1)
    res = {}

    def check_alive():
        st, body = request(a.addr, "POST", "/v1/decode", log)
        return st == 200 and body == want

    # Clients gone mid-body.
    for _ in range(a.count):
        s = socket.create_connection((host, int(port)))
        s.sendall(
            f"POST /v1/decode HTTP/1.1\r\nContent-Length: {len(log)}\r\n\r\n".encode()
            + log[: len(log) // 2]
        )
        s.close()
    res["gone_mid_body"] = {"count": a.count, "then_right": check_alive()}
    # Malformed requests (read to the end of the connection: those the server can read
    # ask it to close after its answer).
    bad = [
        b"GARBAGE\r\n\r\n",
        b"POST /v1/decode HTTP/1.1\r\nContent-Length: x\r\n\r\n",
        b"POST /v1/decode HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"POST /v1/faddr2line HTTP/1.1\r\nConnection: close\r\nContent-Length: 5\r\n\r\n{bad}",
        b"POST /v1/faddr2line HTTP/1.1\r\nConnection: close\r\nContent-Length: 2\r\n\r\n[]",
        b"GET /../../etc/passwd HTTP/1.1\r\nConnection: close\r\n\r\n",
        b"POST /v1/decode HTTP/1.1\r\nConnection: close\r\nContent-Length: 8\r\n\r\n"
        b"\x00\xff\x00\xfe\x7fELF",
    ]
    st_count = {}
    for i in range(a.count):
        with socket.create_connection((host, int(port)), timeout=30) as s:
            s.sendall(bad[i % len(bad)])
            data = b""
            while True:
                c = s.recv(65536)
                if not c:
                    break
                data += c
        st = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0
        st_count[st] = st_count.get(st, 0) + 1
    res["malformed"] = {"count": a.count, "statuses": st_count, "then_right": check_alive()}
    # Oversized bodies: the head announces more than --max-body.
    st_count = {}
    for _ in range(a.count):
        with socket.create_connection((host, int(port)), timeout=30) as s:
            s.sendall(
                f"POST /v1/decode HTTP/1.1\r\nContent-Length: {a.oversize}\r\n\r\n".encode()
            )
            data = s.recv(65536)
        st = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0
        st_count[st] = st_count.get(st, 0) + 1
    res["oversized"] = {"count": a.count, "statuses": st_count, "then_right": check_alive()}
    # A slowloris: a request head trickled a byte every half second, from now on; the
    # server answers 408 and closes at its --timeout of the first byte.
    slow = {}

    def slowloris():
        t = time.monotonic()
        s = socket.create_connection((host, int(port)), timeout=120)
        s.sendall(b"POST /v1/decode HTTP/1.1\r\nX-Slow: ")
        s.settimeout(0.5)
        data = b""
        while time.monotonic() - t < 120:
            try:
                c = s.recv(65536)
                if not c:
                    break
                data += c
            except socket.timeout:
                try:
                    s.sendall(b"x")
                except OSError:
                    break
            except OSError:
                break
        s.close()
        slow["status"] = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0
        slow["closed_after_s"] = round(time.monotonic() - t, 1)

    th = threading.Thread(target=slowloris)
    th.start()
    # Idle connections: opened, nothing sent; meanwhile real requests, each answered
    # and right.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < min(hard, a.idle + 256):
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, a.idle + 256), hard))
    idle = []
    for _ in range(a.idle):
        try:
            idle.append(socket.create_connection((host, int(port)), timeout=5))
        except OSError:
            break
    sts, lat, right = {}, [], 0
    for _ in range(20):
        t = time.monotonic()
        try:
            st, body = request(a.addr, "POST", "/v1/decode", log)
            right += st == 200 and body == want
        except OSError:
            st = 0
        lat.append(time.monotonic() - t)
        sts[st] = sts.get(st, 0) + 1
    # Still open on the server's side (it closes them after --idle-timeout): a read
    # finds nothing to read rather than the end.
    open_after = 0
    for s in idle:
        try:
            s.settimeout(0)
            if s.recv(1) == b"":
                continue
        except BlockingIOError:
            open_after += 1
        except OSError:
            pass
    for s in idle:
        s.close()
    res["idle"] = {
        "opened": len(idle),
        "still_open_after": open_after,
        "requests_meanwhile": sts,
        "answered_right": right,
        "p50_ms": round(percentile(lat, 50) * 1000, 1),
    }
    th.join()
    res["slowloris"] = slow
    print(json.dumps(res))


def cmd_sink(a):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(128)
    print(srv.getsockname()[1], flush=True)
    held = []
    stop = time.monotonic() + a.seconds
    srv.settimeout(1.0)
    while time.monotonic() < stop:
        try:
            c, _ = srv.accept()
            held.append(c)
        except socket.timeout:
            pass


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("split")
    s.add_argument("--bin", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("logs", nargs="+", help="LOG,VMLINUX,MODDIR")
    s = sub.add_parser("baseline")
    s.add_argument("--bin", required=True)
    s.add_argument("--reports", required=True)
    s.add_argument("--seconds", type=float, default=20)
    s.add_argument("--parallel", type=int, default=2)
    s = sub.add_parser("faults")
    s.add_argument("--addr", required=True)
    s.add_argument("--reports", required=True)
    s.add_argument("--count", type=int, default=200)
    s.add_argument("--oversize", type=int, default=1 << 30)
    s.add_argument("--idle", type=int, default=1000)
    s = sub.add_parser("sink")
    s.add_argument("--seconds", type=float, default=300)
    a = p.parse_args()
    {"split": cmd_split, "baseline": cmd_baseline, "faults": cmd_faults, "sink": cmd_sink}[
        a.cmd
    ](a)


if __name__ == "__main__":
    sys.exit(main())
