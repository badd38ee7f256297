#!/usr/bin/env python3
"""Helpers for bench/serve.sh (Python standard library only).

    serve_report.py pick-page CONTENT_DIR DIST_DIR [COURSE]
        Prints the URL path (`/courses/<course>/<module>/<lesson>/`) of the first free lesson
        (`access: free` in its front matter) of COURSE (default ai-marketing, else any course)
        whose page is in DIST_DIR; falls back to the first lesson whose page is in DIST_DIR.

    serve_report.py wrk WRK_OUTPUT
        Parses the output of `wrk --latency` and prints, tab-separated:
        requests/s, p50 ms, p99 ms, requests, non-2xx/3xx responses, socket errors.

    serve_report.py hey HEY_OUTPUT
        The same six fields from the output of `hey` (its latency distribution is in seconds,
        to 0.1 ms); non-2xx responses from its status code distribution, errors (timeouts,
        refused connections) from its error distribution.

    serve_report.py report RAW_TSV OUT_MD [KEY=VALUE ...]
        Turns serve.sh's measurements into Markdown tables (printed and written to OUT_MD).
        RAW_TSV rows, tab-separated:
          static    KEY LABEL CONNECTIONS RPS P50_MS P99_MS REQUESTS NON2XX SOCKET_ERRORS
          leads     direct|router|nginx LABEL CONNECTIONS RPS P50_MS P99_MS REQUESTS NON2XX SOCKET_ERRORS
          progress  (router|direct)-(rate|max) LABEL CONNECTIONS RPS P50_MS P99_MS REQUESTS NON2XX ERRORS
          coldstart NAME RUNS MEDIAN_MS P90_MS MIN_MS MAX_MS
        KEY=VALUE pairs go into a comment line above the tables; `page=`, `page_kb=`, `warmup=`,
        `static_wrk=`, `leads_wrk=`, `coldstart_warmup=`, `progress_lesson=`, `progress_rate=`
        (target requests/s), `progress_hey=`, `progress_wrk=` and `progress_goal_ms=` (p99 goal
        at the target rate) also label the tables.
"""

import os
import re
import sys

ORDER_PREFIX = re.compile(r"^\d+-")


# ---------------------------------------------------------------- pick-page

def front_matter(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if not text.startswith("---"):
        return ""
    end = text.find("\n---", 3)
    return text[3:end] if end != -1 else ""


def lesson_urls(content, course=None):
    """(url, path) of each lesson file, sorted by path, optionally of one course."""
    courses = os.path.join(content, "courses")
    found = []
    for root, _dirs, files in os.walk(courses):
        rel = os.path.relpath(root, content).split(os.sep)
        if len(rel) != 3 or (course and rel[1] != course):
            continue
        for name in files:
            if name.endswith(".md") and name != "_index.md":
                path = os.path.join(root, name)
                parts = rel + [name[:-3]]
                url = "/" + "/".join(ORDER_PREFIX.sub("", p) for p in parts) + "/"
                found.append((path, url))
    return [(url, path) for path, url in sorted(found)]


def pick_page(content, dist, course="ai-marketing"):
    def in_dist(url):
        return os.path.isfile(os.path.join(dist, url.strip("/"), "index.html"))

    for scope in (course, None):
        for url, path in lesson_urls(content, scope):
            if in_dist(url) and re.search(r"^access:\s*[\"']?free[\"']?\s*$", front_matter(path), re.M):
                print(url)
                return 0
    for url, _path in lesson_urls(content):
        if in_dist(url):
            print(url)
            return 0
    print(f"pick-page: no lesson of {content}/courses has a page in {dist}", file=sys.stderr)
    return 1


# ---------------------------------------------------------------- wrk output

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


def to_ms(text):
    match = re.fullmatch(r"([0-9.]+)(us|ms|s|m|h)", text)
    if not match:
        raise ValueError(f"unrecognised wrk time {text!r}")
    return float(match.group(1)) * UNITS_MS[match.group(2)]


def parse_wrk(text):
    rps = re.search(r"^Requests/sec:\s+([0-9.]+)", text, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    total = re.search(r"^\s+(\d+) requests in ", text, re.M)
    if not (rps and p50 and p99 and total):
        raise ValueError("no Requests/sec, 50%/99% latency or request count in wrk's output "
                         "(was it run with --latency?)")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {
        "rps": float(rps.group(1)),
        "p50": to_ms(p50.group(1)),
        "p99": to_ms(p99.group(1)),
        "requests": int(total.group(1)),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "sockerr": sum(int(g) for g in sock.groups()) if sock else 0,
    }


# ---------------------------------------------------------------- hey output

def parse_hey(text):
    rps = re.search(r"^\s*Requests/sec:\s+([0-9.]+)", text, re.M)
    p50 = re.search(r"^\s*50%+ in ([0-9.]+) secs", text, re.M)
    p99 = re.search(r"^\s*99%+ in ([0-9.]+) secs", text, re.M)
    if not (rps and p50 and p99):
        raise ValueError("no Requests/sec or 50%/99% latency in hey's output (too few requests for a 99th "
                         "percentile, or did every request fail?)")
    statuses = [(int(code), int(count)) for code, count in
                re.findall(r"^\s*\[(\d{3})\]\s+(\d+) responses", text, re.M)]
    errors_section = text.split("Error distribution:", 1)[1] if "Error distribution:" in text else ""
    errors = sum(int(n) for n in re.findall(r"^\s*\[(\d+)\]\s", errors_section, re.M))
    return {
        "rps": float(rps.group(1)),
        "p50": float(p50.group(1)) * 1000,
        "p99": float(p99.group(1)) * 1000,
        "requests": sum(count for _code, count in statuses) + errors,
        "non2xx": sum(count for code, count in statuses if not 200 <= code < 300),
        "sockerr": errors,
    }


def parse_output(kind, path):
    with open(path, encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    try:
        r = (parse_hey if kind == "hey" else parse_wrk)(text)
    except ValueError as error:
        print(f"serve_report.py {kind} {path}: {error}", file=sys.stderr)
        return 1
    print(f"{r['rps']:.2f}\t{r['p50']:.3f}\t{r['p99']:.3f}\t{r['requests']}\t{r['non2xx']}\t{r['sockerr']}")
    return 0


# ---------------------------------------------------------------- report

def fmt_ms(value):
    if value < 1:
        return f"{value * 1000:.0f} µs"
    if value < 10:
        return f"{value:.2f} ms"
    return f"{value:.1f} ms"


def fmt_rps(value):
    return f"{value:,.0f}".replace(",", " ")


def errors_cell(row):
    notes = []
    if row["non2xx"]:
        notes.append(f"⚠ {row['non2xx']} non-2xx/3xx")
    if row["sockerr"]:
        notes.append(f"⚠ {row['sockerr']} socket errors")
    return ", ".join(notes) or "0"


def progress_table(rows, meta):
    """Lesson completion through the router (and, where measured, the progress binary alone),
    at the target rate and flat out, then the issue's goal against the router's fixed-rate row."""
    rate = float(meta.get("progress_rate", "1000"))
    goal = float(meta.get("progress_goal_ms", "10"))
    lesson = meta.get("progress_lesson", "<lesson id>")
    lines = [f"Lesson completion `PUT /api/progress/lessons/{{id}}` `{{\"completed\":true}}` on `{lesson}`, "
             "a signed-in learner (session cookie + `X-CSRF-Token`), SQLite, after a "
             f"{meta.get('warmup', '2s')} warm-up each. Fixed rate: `{meta.get('progress_hey', 'hey')}` "
             f"({fmt_rps(rate)} req/s in all; hey reports latency to 0.1 ms); flat out: "
             f"`{meta.get('progress_wrk', 'wrk')}`.", "",
             "| load | path | requests/s | p50 | p99 | errors |",
             "|---|---|---:|---:|---:|---|"]
    for r in rows:
        load = (f"fixed {fmt_rps(rate)} req/s, {r['conns']} connections" if r["key"].endswith("-rate")
                else f"flat out, {r['conns']} connections")
        lines.append(f"| {load} | {r['label']} | {fmt_rps(r['rps'])} | {fmt_ms(r['p50'])} | "
                     f"{fmt_ms(r['p99'])} | {errors_cell(r)} |")
    lines.append("")
    fixed = next((r for r in rows if r["key"] == "router-rate"), None)
    if fixed:
        reached = fixed["rps"] >= 0.95 * rate
        clean = not fixed["non2xx"] and not fixed["sockerr"]
        met = reached and clean and fixed["p99"] < goal
        why = [f"p99 {fmt_ms(fixed['p99'])} at {fmt_rps(fixed['rps'])} req/s"]
        if not reached:
            why.append(f"the target {fmt_rps(rate)} req/s was not reached")
        if not clean:
            why.append("some requests failed")
        lines += [f"Goal: p99 under {goal:g} ms at {fmt_rps(rate)} req/s through the router — "
                  f"**{'met' if met else 'not met'}** ({'; '.join(why)}).", ""]
    return lines


def report(raw, out, meta_args):
    meta = dict(arg.split("=", 1) for arg in meta_args if "=" in arg)
    static, leads, progress, cold = [], [], [], []
    with open(raw, encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if parts[0] in ("static", "leads", "progress") and len(parts) == 10:
                row = dict(key=parts[1], label=parts[2], conns=int(parts[3]), rps=float(parts[4]),
                           p50=float(parts[5]), p99=float(parts[6]), requests=int(parts[7]),
                           non2xx=int(parts[8]), sockerr=int(parts[9]))
                {"static": static, "leads": leads, "progress": progress}[parts[0]].append(row)
            elif parts[0] == "coldstart" and len(parts) == 7:
                cold.append(dict(name=parts[1], runs=int(parts[2]), median=float(parts[3]),
                                 p90=float(parts[4]), min=float(parts[5]), max=float(parts[6])))

    lines = ["<!-- bench/serve.sh " + " ".join(f"{k}={v}" for k, v in meta.items()) + " -->", ""]

    if static:
        page = meta.get("page", "a lesson page")
        size = f", {meta['page_kb']} KB" if meta.get("page_kb") else ""
        lines += [f"Static page `GET {page}`{size}: `{meta.get('static_wrk', 'wrk')}` "
                  f"after a {meta.get('warmup', '2s')} warm-up, loopback.", "",
                  "| server | requests/s | p50 | p99 | errors | vs nginx, 1 worker |",
                  "|---|---:|---:|---:|---|---:|"]
        base = next((r for r in static if r["key"] == "nginx-1"), None)
        for r in static:
            ratio = f"{r['rps'] / base['rps']:.2f}× req/s" if base and base["rps"] > 0 and r is not base else ""
            lines.append(f"| {r['label']} | {fmt_rps(r['rps'])} | {fmt_ms(r['p50'])} | "
                         f"{fmt_ms(r['p99'])} | {errors_cell(r)} | {ratio} |")
        lines.append("")

    if leads:
        lines += [f"Router overhead, `POST /api/leads` (JSON, a new address each request, SQLite): "
                  f"`{meta.get('leads_wrk', 'wrk')}` after a {meta.get('warmup', '2s')} warm-up; overhead = p50 via "
                  "`lectern serve` − p50 of the `leads` binary called directly. For reference, the same "
                  "binary behind Debian's nginx as a reverse proxy (`bench/nginx-proxy.conf`, upstream "
                  "keep-alive), measured in the same loop.", "",
                  "| connections | direct p50 | via router p50 | **overhead p50** | via nginx p50 | nginx overhead p50 | "
                  "direct p99 | via router p99 | direct req/s | via router req/s | errors (direct / router) |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]

        def signed(value):
            return ("+" if value >= 0 else "−") + fmt_ms(abs(value))

        for conns in sorted({r["conns"] for r in leads}):
            d = next((r for r in leads if r["conns"] == conns and r["key"] == "direct"), None)
            v = next((r for r in leads if r["conns"] == conns and r["key"] == "router"), None)
            n = next((r for r in leads if r["conns"] == conns and r["key"] == "nginx"), None)
            if not (d and v):
                continue
            via_nginx = fmt_ms(n["p50"]) if n else "—"
            nginx_overhead = signed(n["p50"] - d["p50"]) if n else "—"
            lines.append(f"| {conns} | {fmt_ms(d['p50'])} | {fmt_ms(v['p50'])} | "
                         f"**{signed(v['p50'] - d['p50'])}** | {via_nginx} | {nginx_overhead} | {fmt_ms(d['p99'])} | "
                         f"{fmt_ms(v['p99'])} | {fmt_rps(d['rps'])} | {fmt_rps(v['rps'])} | "
                         f"{errors_cell(d)} / {errors_cell(v)} |")
        lines.append("")

    if progress:
        lines += progress_table(progress, meta)

    if cold:
        lines += ["Cold start: exec → first `GET /healthz` 200 (polled every ~1 ms), a fresh SQLite "
                  f"database each run, after {meta.get('coldstart_warmup', '1')} untimed warm-up start(s) "
                  "(`bench/coldstart.py`).", "",
                  "| binary | runs | median | p90 | min | max |",
                  "|---|---:|---:|---:|---:|---:|"]
        for c in cold:
            lines.append(f"| `{c['name']}` | {c['runs']} | {fmt_ms(c['median'])} | "
                         f"{fmt_ms(c['p90'])} | {fmt_ms(c['min'])} | {fmt_ms(c['max'])} |")
        lines.append("")

    text = "\n".join(lines)
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(text, end="")
    return 0


def main(argv):
    if len(argv) >= 3 and argv[0] == "pick-page":
        return pick_page(argv[1], argv[2], *(argv[3:4]))
    if len(argv) == 2 and argv[0] in ("wrk", "hey"):
        return parse_output(argv[0], argv[1])
    if len(argv) >= 3 and argv[0] == "report":
        return report(argv[1], argv[2], argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
