#!/usr/bin/env python3
"""Helpers for bench/run.sh (Python standard library only).

    measure.py fix-corpus CONTENT_DIR
        Gives lessons whose URL would collide in Lectern a distinct file name, and rewrites the
        relative `.md` links that point at them. gen_corpus.py can draw the same lesson title twice
        in one module (`06-common-pitfalls-with-sessions.md` and `14-common-pitfalls-with-sessions.md`);
        Lectern drops ordering prefixes from URLs, so those two would share a URL and an id, which is
        a build error. The later file becomes `14-common-pitfalls-with-sessions-14.md`. Both tools
        then read the same, fixed tree. Running it again changes nothing.

    measure.py pick-lesson CONTENT_DIR
        Prints the lesson the incremental benchmark edits (deterministic, not a draft), then a tab,
        then the folder Lectern publishes it in (`courses/<course>/<module>/<lesson>`).

    measure.py resident CORPUS RUNS LESSON URL OUT PRIVATE -- LECTERN BUILD-ARGS...
        The resident rebuild: starts `LECTERN BUILD-ARGS...` (`lectern build --watch …`), waits for
        its first build, then RUNS times appends a different line to LESSON and measures the wall
        time from the write until OUT/URL/index.html (or PRIVATE/URL/index.html, for a gated
        lesson) holds that line. Restores LESSON, stops the watcher, and prints RAW_TSV rows
        (kind `resident-edit`; RSS is the watcher's peak).

    measure.py report RAW_TSV OUT_MD [KEY=VALUE ...]
        Turns the raw measurements into the Markdown table (printed and written to OUT_MD).
        RAW_TSV rows: corpus, kind (full | incr-edit | incr-none | resident-edit), tool, run,
        wall_s, rss_kb, wall_ns.
"""

import os
import re
import select
import signal
import statistics
import subprocess
import sys
import time

ORDER_PREFIX = re.compile(r"^\d+-")
MD_LINK = re.compile(r"\]\(([^)\s#]+\.md)(#[^)\s]*)?\)")


def lesson_files(content):
    """Lesson files (content/courses/<course>/<module>/<lesson>.md), sorted."""
    courses = os.path.join(content, "courses")
    found = []
    for root, _dirs, files in os.walk(courses):
        rel = os.path.relpath(root, content).split(os.sep)
        if len(rel) != 3:
            continue
        for name in files:
            if name.endswith(".md") and name != "_index.md":
                found.append(os.path.join(root, name))
    return sorted(found)


def fix_corpus(content):
    content = os.path.abspath(content)
    renames = {}  # old absolute path -> new absolute path
    by_module = {}
    for path in lesson_files(content):
        by_module.setdefault(os.path.dirname(path), []).append(os.path.basename(path))
    for module, names in sorted(by_module.items()):
        taken = {ORDER_PREFIX.sub("", n) for n in names}
        seen = set()
        for name in sorted(names):
            url = ORDER_PREFIX.sub("", name)
            if url not in seen:
                seen.add(url)
                continue
            prefix = name[: len(name) - len(url)]  # "14-"
            stem = url[:-3]
            number = prefix.rstrip("-") or "2"
            new_url = f"{stem}-{number}.md"
            while new_url in taken or new_url in seen:
                new_url = new_url[:-3] + "-x.md"
            seen.add(new_url)
            taken.add(new_url)
            renames[os.path.join(module, name)] = os.path.join(module, prefix + new_url)
    if not renames:
        return 0
    for old, new in renames.items():
        os.rename(old, new)
    # Rewrite links in every Markdown file that resolve to a renamed file.
    rewritten = 0
    for root, _dirs, files in os.walk(content):
        for name in files:
            if not name.endswith(".md"):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as handle:
                text = handle.read()

            def replace(match, root=root):
                target, fragment = match.group(1), match.group(2) or ""
                if "://" in target:
                    return match.group(0)
                resolved = os.path.normpath(os.path.join(root, target))
                if resolved not in renames:
                    return match.group(0)
                rel = os.path.relpath(renames[resolved], root).replace(os.sep, "/")
                if target.startswith("./") and "/" not in rel:
                    rel = "./" + rel
                return f"]({rel}{fragment})"

            new_text = MD_LINK.sub(replace, text)
            if new_text != text:
                rewritten += 1
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(new_text)
    print(f"fix-corpus: renamed {len(renames)} lesson(s) whose URL would collide; "
          f"rewrote links in {rewritten} file(s)")
    return 0


def pick_lesson(content):
    lessons = lesson_files(os.path.abspath(content))
    if not lessons:
        print(f"no lessons under {content}/courses", file=sys.stderr)
        return 1
    # The middle lesson: a page with neighbours on both sides, in a course with a full sidebar.
    content = os.path.abspath(content)
    chosen = lessons[len(lessons) // 2]
    for path in lessons[len(lessons) // 2:] + lessons:
        with open(path, encoding="utf-8") as handle:
            if not re.search(r"^draft:\s*true\s*$", handle.read(), re.M):
                chosen = path
                break
    # Where Lectern publishes it: ordering prefixes and `.md` dropped (`courses/c/m/lesson`).
    rel = os.path.relpath(chosen, content).replace(os.sep, "/")[:-3]
    url = "/".join(ORDER_PREFIX.sub("", part) for part in rel.split("/"))
    print(f"{chosen}\t{url}")
    return 0


def resident(corpus, runs, lesson, url, out, private, command):
    """See the module docstring: edit-to-output wall times of a watching Lectern."""
    watcher = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    lines = watcher.stdout

    def next_summary(deadline):
        # The watcher prints one summary line per build ("Built …" / "Failed: …").
        while time.monotonic() < deadline:
            ready, _, _ = select.select([lines], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            line = lines.readline().decode("utf-8", "replace")
            if not line:
                raise SystemExit(f"measure.py resident: the watcher exited ({command[0]})")
            if line.startswith(("Built", "Failed")):
                return line.strip()
        return None

    with open(lesson, "rb") as handle:
        original = handle.read()
    pages = [os.path.join(out, url, "index.html"), os.path.join(private, url, "index.html")]
    rows = []
    try:
        first = next_summary(time.monotonic() + 600)
        if first is None or not first.startswith("Built"):
            raise SystemExit(f"measure.py resident: first build did not succeed: {first}")
        for run in range(1, runs + 1):
            time.sleep(0.5)  # let the watcher settle (it saves its cache after a rebuild)
            marker = f"lectern-resident-edit-{run}-{time.time_ns()}"
            text = original + f"\nResident edit {run}{'!' * run}: {marker}.\n".encode()
            start = time.perf_counter_ns()
            with open(lesson, "wb") as handle:
                handle.write(text)
            summary = next_summary(time.monotonic() + 60)
            # The summary is printed once the files are written; the figure is when the page
            # on disk holds the edit (polled, in case a line came from an earlier build).
            found = False
            poll_deadline = time.monotonic() + 30
            while time.monotonic() < poll_deadline:
                for page in pages:
                    try:
                        with open(page, "rb") as handle:
                            if marker.encode() in handle.read():
                                found = True
                    except OSError:
                        pass
                if found:
                    break
                time.sleep(0.001)
            end = time.perf_counter_ns()
            if not found:
                raise SystemExit(f"measure.py resident: edit {run} never reached {pages[0]} (last: {summary})")
            rows.append((run, end - start, summary))
    finally:
        with open(lesson, "wb") as handle:
            handle.write(original)
        time.sleep(1)
        rss_kb = 0
        try:
            with open(f"/proc/{watcher.pid}/status", encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith("VmHWM:"):
                        rss_kb = int(line.split()[1])
        except OSError:
            pass
        watcher.send_signal(signal.SIGTERM)
        try:
            watcher.wait(timeout=10)
        except subprocess.TimeoutExpired:
            watcher.kill()
    for run, wall_ns, summary in rows:
        print(f"{corpus}\tresident-edit\tlectern\t{run}\t{wall_ns / 1e9:.4f}\t{rss_kb}\t{wall_ns}")
        print(f"   edit {run}: {wall_ns / 1e6:.1f} ms ({summary})", file=sys.stderr)
    return 0


def report(raw, out, meta_args):
    meta = dict(arg.split("=", 1) for arg in meta_args)
    rows = []
    with open(raw, encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 7:
                continue
            corpus, kind, tool, run, wall_s, rss_kb, wall_ns = parts
            rows.append((corpus, kind, tool, int(run), float(wall_s), int(rss_kb), int(wall_ns)))

    def pick(corpus, kind, tool):
        return [r for r in rows if r[0] == corpus and r[1] == kind and r[2] == tool]

    def medians(sample):
        return (statistics.median(r[4] for r in sample),           # %e, seconds
                statistics.median(r[5] for r in sample) / 1024.0,  # %M, KB -> MB
                statistics.median(r[6] for r in sample) / 1e9)     # wall from nanosecond clock

    corpora = []
    for r in rows:
        if r[0] not in corpora:
            corpora.append(r[0])

    lines = [
        "| corpus | tool | runs | median wall | median peak RSS (MB) | ratio |",
        "|---|---|---:|---:|---:|---|",
    ]
    summary = []
    hugo_label = f"Hugo {meta['hugo']}" if meta.get("hugo") else "Hugo"
    for corpus in corpora:
        lectern, hugo = pick(corpus, "full", "lectern"), pick(corpus, "full", "hugo")
        lw = lr = hw = hr = None
        if lectern:
            lw, lr, _ = medians(lectern)
        if hugo:
            hw, hr, _ = medians(hugo)
        ratio = "—"
        if lectern and hugo and hw > 0 and hr > 0:
            ratio = f"Lectern/Hugo: wall {lw / hw:.2f}×, RSS {lr / hr:.2f}×"
            summary.append(f"{corpus}: Lectern {lw:.2f} s / Hugo {hw:.2f} s = {lw / hw:.2f}× wall; "
                           f"{lr:.0f} MB / {hr:.0f} MB = {lr / hr:.2f}× peak RSS")
        if lectern:
            lines.append(f"| {corpus} | Lectern, full build (`--clean`) | {len(lectern)} | {lw:.2f} s | {lr:.0f} | {ratio} |")
        if hugo:
            lines.append(f"| {corpus} | {hugo_label}, full build | {len(hugo)} | {hw:.2f} s | {hr:.0f} | |")
        for kind, label in (("incr-edit", "Lectern, rebuild after editing 1 lesson"),
                            ("incr-none", "Lectern, rebuild with no change"),
                            ("resident-edit", "Lectern `build --watch`, edit of 1 lesson → page on disk")):
            sample = pick(corpus, kind, "lectern")
            if not sample:
                continue
            _, rss, wall = medians(sample)
            note = ""
            if kind == "incr-edit" and meta.get(f"{corpus}.edit-check") == "missing":
                note = " ⚠ edit not found in output"
            cell = f"{wall * 1000:.0f} ms" if wall >= 0.1 else f"{wall * 1000:.1f} ms"
            process = pick(corpus, "incr-edit", "lectern")
            if kind == "resident-edit" and process:
                cell_ratio = f"{medians(process)[2] / wall:.0f}× faster than the rebuild process"
            elif lectern and lw:
                cell_ratio = f"{wall / lw:.2f}× Lectern full build{note}"
            else:
                cell_ratio = note.strip()
            lines.append(f"| {corpus} | {label} | {len(sample)} | {cell} | {rss:.0f} | {cell_ratio} |")

    header = ["<!-- bench/run.sh " + " ".join(f"{k}={v}" for k, v in meta.items()
                                               if not k.endswith(".edit-check")) + " -->"]
    text = "\n".join(header + [""] + lines) + "\n"
    if summary:
        text += "\n" + "\n".join(f"- {s}" for s in summary) + "\n"
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(text, end="")
    return 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "fix-corpus":
        return fix_corpus(argv[1])
    if len(argv) >= 2 and argv[0] == "pick-lesson":
        return pick_lesson(argv[1])
    if len(argv) >= 9 and argv[0] == "resident" and argv[7] == "--":
        return resident(argv[1], int(argv[2]), argv[3], argv[4], argv[5], argv[6], argv[8:])
    if len(argv) >= 3 and argv[0] == "report":
        return report(argv[1], argv[2], argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
