#!/usr/bin/env python3
"""Cold start of a Lectern function binary: exec to the first `GET /healthz` answered 200.

    coldstart.py [--runs N] [--warmup N] [--timeout S] [--env KEY=VALUE ...] [--tsv FILE] BINARY

Starts BINARY N times (default 20), each time with PORT=<a free loopback port> and
DATABASE_URL=sqlite:///<scratch>/cold-<i>.sqlite (a fresh database, so each start also creates its
schema), on top of this process's environment and any --env. From just before the exec it polls
http://127.0.0.1:PORT/healthz about every millisecond (connect; on success one HTTP/1.1 request
with `Connection: close`) and records the milliseconds until the first 200. It then stops the
process (SIGTERM, wait up to 5 s, then SIGKILL) and starts the next. --warmup runs (default 1,
untimed) load the binary and its libraries into the page cache first, so the figures are not
dominated by the first read from disk.

Prints each run, then median, p90 (nearest rank), min and max. --tsv FILE appends one line:
`coldstart<TAB>NAME<TAB>runs<TAB>median_ms<TAB>p90_ms<TAB>min_ms<TAB>max_ms` (for serve.sh).
Exits 1, showing the end of the binary's output, when it exits early or is not healthy within
--timeout seconds (default 10). Python standard library only.
"""

import argparse
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def healthz_status(port):
    """The status code of GET /healthz, or None when nothing listens yet or the reply is cut."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as sock:
            sock.sendall(REQUEST)
            data = b""
            while b"\r\n" not in data:
                chunk = sock.recv(1024)
                if not chunk:
                    break
                data += chunk
    except OSError:  # refused, reset, timed out
        return None
    parts = data.split(b"\r\n", 1)[0].split()
    if len(parts) >= 2 and parts[0].startswith(b"HTTP/") and parts[1].isdigit():
        return int(parts[1])
    return None


def tail(path, lines=20):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return "".join(handle.readlines()[-lines:])
    except OSError:
        return ""


def stop(proc):
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def one_start(binary, env_extra, scratch, index, timeout):
    """Milliseconds from exec to the first 200 from /healthz."""
    port = free_port()
    db = os.path.join(scratch, f"cold-{index}.sqlite")
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(db + suffix)
        except FileNotFoundError:
            pass
    env = dict(os.environ)
    env.update(env_extra)
    env["PORT"] = str(port)
    env["DATABASE_URL"] = f"sqlite://{db}"  # db is absolute: sqlite:///tmp/...
    log_path = os.path.join(scratch, f"cold-{index}.log")
    last_status = None
    with open(log_path, "wb") as log:
        start = time.perf_counter_ns()
        proc = subprocess.Popen([binary], env=env, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            deadline = start + int(timeout * 1e9)
            while True:
                status = healthz_status(port)
                now = time.perf_counter_ns()
                if status == 200:
                    return (now - start) / 1e6
                last_status = status if status is not None else last_status
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"{binary} exited with status {proc.returncode} before /healthz answered "
                        f"200 (run {index}, PORT={port}); its output ends:\n{tail(log_path)}")
                if now > deadline:
                    seen = f"last status {last_status}" if last_status else "nothing listening"
                    raise RuntimeError(
                        f"{binary}: no 200 from http://127.0.0.1:{port}/healthz within {timeout:g} s "
                        f"({seen}; run {index}); its output ends:\n{tail(log_path)}")
                time.sleep(0.001)
        finally:
            stop(proc)


def nearest_rank(sorted_values, fraction):
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--tsv", help="append a summary line to this file")
    parser.add_argument("--name", help="name in the --tsv line (default: the binary's file name)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    binary = os.path.abspath(args.binary)
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print(f"coldstart.py: {binary} is not an executable file", file=sys.stderr)
        return 1
    env_extra = {}
    for item in args.env:
        key, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--env wants KEY=VALUE, got {item!r}")
        env_extra[key] = value
    name = args.name or os.path.basename(binary)

    times = []
    with tempfile.TemporaryDirectory(prefix="lectern-coldstart-") as scratch:
        try:
            for i in range(args.warmup):
                ms = one_start(binary, env_extra, scratch, f"warmup{i + 1}", args.timeout)
                print(f"  warm-up {i + 1}: {ms:.1f} ms (not counted)", flush=True)
            for i in range(args.runs):
                ms = one_start(binary, env_extra, scratch, i + 1, args.timeout)
                times.append(ms)
                print(f"  run {i + 1:2d}: {ms:.1f} ms", flush=True)
        except RuntimeError as error:
            print(f"coldstart.py: {error}", file=sys.stderr)
            return 1

    ordered = sorted(times)
    median = statistics.median(ordered)
    p90 = nearest_rank(ordered, 0.90)
    print(f"{name}: exec → first 200 from /healthz over {len(times)} runs: "
          f"median {median:.1f} ms, p90 {p90:.1f} ms, min {ordered[0]:.1f} ms, "
          f"max {ordered[-1]:.1f} ms")
    if args.tsv:
        with open(args.tsv, "a", encoding="utf-8") as handle:
            handle.write(f"coldstart\t{name}\t{len(times)}\t{median:.2f}\t{p90:.2f}\t"
                         f"{ordered[0]:.2f}\t{ordered[-1]:.2f}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
