"""`make bench`: measure the site as deployed (production settings, gunicorn, whitenoise) on
this machine, and print the figures beside their targets.

    python -m bench            # full run, about a minute and a half
    python -m bench --smoke    # every phase for a second or two, for CI

One run prepares a throwaway data dir (migrate, load_content, collectstatic), starts gunicorn
on a free loopback port, and measures:

  (a) and (ag) static files the size of the lesson page and of the glossary index, served by
      whitenoise: the ceilings;
  (b) a lesson page and (c) the glossary index, as a first-time (anonymous) visitor, each
      against the file of its own size;
  (b*) the lesson page for a student with a session (not logged in);
  (an), (bn), (agn), (cn) the same four through deploy/nginx.conf in front of the same gunicorn
      (Debian's nginx, installed if missing): nginx serving the file, and the pages from its
      cache;
  (d) quiz answers POSTed by concurrent students, each with their own session, then checked
      in the database: every answer stored exactly once;
  (g) an instructor's gradebook for 200 students × 20 assignments (`manage.py seed_class`);
  the lesson page's weight (HTML and what it references, compressed) and each gunicorn
  worker's peak memory.

Missed targets are reported, not raised: the exit code is 0 unless the harness itself failed
(setup, server, wrk) or an answer was lost or stored twice, which is 1.
"""

import argparse
import os
import shutil
import signal
import statistics
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass

from bench.client import Client
from bench.drivers import page_weight, run_quiz_load, run_wrk, verify_stored
from bench.gradebook import run_gradebook
from bench.importload import run_import_load
from bench.nginx import Nginx, NginxError, ensure_nginx
from bench.parse import percentile
from bench.server import HOST, CpuWatch, Gunicorn, HarnessError, Site, ensure_wrk

SAME_SIZE_FILE = "bench/same-size.html"  # under STATIC_ROOT, so at /static/bench/...
GLOSSARY_TWIN = "bench/same-size-glossary.html"  # the glossary index's size
GLOSSARY_PATH = "/glossary/"
PREFERRED_LESSON = "snris"
WARMUP_SECONDS = 1  # fills each worker's page cache and the OS caches before measuring

FULL = dict(
    duration=10, rounds=5, connections=32, students=32, quizzes=2, think=1.0, timeout=420,
    import_questions=20_000,
)  # fmt: skip
SMOKE = dict(
    duration=1, rounds=1, connections=8, students=4, quizzes=1, think=0.1, timeout=180,
    import_questions=300,
)  # fmt: skip

BUSY_CORES = 0.25  # CPU used by other processes above which the figures are noisy

# Targets: a public page nearly as cheap as a static file of its size (through gunicorn, and
# through nginx, whose cache serves it), a student's page at least half, answers fast and
# never lost.
MIN_RATIO = 0.80
MIN_NGINX_RATIO = 0.90
MIN_SESSION_RATIO = 0.50
MAX_ANSWER_P99_MS = 50
MAX_PAGE_KB = 100
MAX_WORKER_MB = 100
MAX_GRADEBOOK_MS = 300  # issue 17: 200 students × 20 assignments
GRADEBOOK_REQUESTS = {False: 20, True: 3}  # full run, --smoke


@dataclass
class Row:
    label: str
    rps: float
    p50_ms: float | None
    p99_ms: float | None
    errors: int


# --- command line ------------------------------------------------------------------------


def parse_args(argv=None):
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark the site under production settings with gunicorn and wrk.",
    )
    parser.add_argument("--smoke", action="store_true", help="every phase briefly (CI)")
    parser.add_argument("--duration", type=int, help="seconds per wrk phase (10; smoke 1)")
    parser.add_argument("--connections", type=int, help="wrk connections (32; smoke 8)")
    parser.add_argument(
        "--rounds", type=int, help="rounds that --duration is split into for (a)-(c) (5; smoke 1)"
    )
    parser.add_argument("--students", type=int, help="concurrent quiz students (32; smoke 4)")
    parser.add_argument(
        "--workers", type=int, default=2 * cores + 1, help=f"gunicorn workers ({2 * cores + 1})"
    )
    parser.add_argument(
        "--think", type=float,
        help="mean seconds a student pauses before each answer in (d) (1; smoke 0.1)",
    )  # fmt: skip
    parser.add_argument(
        "--quizzes", type=int, help="quizzes per student in (d) (2; 0 = all; smoke 1)"
    )
    parser.add_argument(
        "--import-questions", type=int,
        help="questions in (e), the import beside students (20000; smoke 300)",
    )  # fmt: skip
    parser.add_argument("--timeout", type=int, help="limit for the whole run, s (420; smoke 180)")
    parser.add_argument("--content", help="content folder to load (default: content/)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    args = parser.parse_args(argv)
    for name, value in (SMOKE if args.smoke else FULL).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    for name in ("duration", "rounds", "connections", "students", "workers", "timeout"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.think < 0:
        parser.error("--think must not be negative")
    return args


# --- time limit --------------------------------------------------------------------------


@contextmanager
def time_limit(seconds):
    """Bound the whole run: SIGALRM raises in the main thread, so the finally blocks that
    stop gunicorn still run. SIGTERM likewise unwinds instead of killing us outright."""

    def expired(signum, frame):
        raise HarnessError(f"the run took longer than its {seconds} s limit (--timeout)")

    def terminated(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGALRM, expired), signal.signal(signal.SIGTERM, terminated)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous[0])
        signal.signal(signal.SIGTERM, previous[1])


# --- output ------------------------------------------------------------------------------


def say(text=""):
    print(text, flush=True)


def table(headers, rows):
    """A plain text table; the first column left-aligned, the rest right-aligned."""
    cells = [list(map(str, headers))] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for index, row in enumerate(cells):
        parts = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  " + "  ".join(parts))
        if index == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def ms(value):
    return "-" if value is None else f"{value:.1f}"


def verdict(ok):
    return "PASS" if ok else "FAIL"


# --- phases ------------------------------------------------------------------------------


def wrk_phase(wrk, url, label, args, headers=()):
    run_wrk(wrk, url, WARMUP_SECONDS, args.connections, headers)
    result = run_wrk(wrk, url, args.duration, args.connections, headers)
    return Row(label, result.requests_per_sec, result.p50_ms, result.p99_ms, result.errors)


def quiz_row(label, load):
    latencies = load.latencies_ms
    return Row(
        label,
        load.requests_per_sec,
        percentile(latencies, 50),
        percentile(latencies, 99),
        len(load.errors),
    )


def page_sizes(site, paths):
    """{path: size} of pages as an anonymous visitor gets them, from a short-lived one-worker
    server: the static twins must exist before the measured server starts (see write_static)."""
    probe = Gunicorn(site, 1, site.root / "gunicorn-probe.log")
    sizes = {}
    try:
        probe.start()
        for path in paths:
            reply = Client(HOST, probe.port).get(path)
            if reply.status != 200:
                raise HarnessError(f"GET {path} answered {reply.status}")
            sizes[path] = len(reply.body)
        return sizes
    finally:
        probe.stop()


def choose_content(site):
    lessons, quizzes = site.published()
    if not lessons or not quizzes:
        raise HarnessError("load_content left no published lesson or quiz to measure")
    lesson = PREFERRED_LESSON if PREFERRED_LESSON in lessons else lessons[0]
    return f"/lessons/{lesson}/", quizzes


def prepare(args, site):
    """Set the site up and build a static file the size of each measured page; returns what
    to measure."""
    say(f"Preparing {site.root} (migrate, load_content, collectstatic)…")
    timings = site.prepare()
    say("  " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in timings.items()))
    lesson_path, quiz_slugs = choose_content(site)
    sizes = page_sizes(site, (lesson_path, GLOSSARY_PATH))
    for path, twin in ((lesson_path, SAME_SIZE_FILE), (GLOSSARY_PATH, GLOSSARY_TWIN)):
        site.write_static(twin, sizes[path])
        say(f"  {path} is {sizes[path]:,} bytes; /static/{twin} is the same size")
    return lesson_path, quiz_slugs


def page_phases(args, server, base, lesson_path, via=""):
    """(a), (b), (c) with wrk, as first-time visitors (no cookies: the public, cached path);
    `via` "n" for the same through nginx, where (a) is nginx serving the file itself.

    The machine's speed drifts over tens of seconds (other tenants of the host), so the three
    are measured in turn, round after round, each for its share of --duration; a figure is the
    median over the rounds, and each ratio to (a) is the median of the ratios within a round,
    where (a) and the page were measured seconds apart."""
    server_name = "nginx" if via else "whitenoise"
    suffix = ", through nginx" if via else ""
    phases = (
        ("a" + via, f"(a{via}) static file, the lesson's size ({server_name})",
         f"/static/{SAME_SIZE_FILE}"),
        ("b" + via, f"(b{via}) lesson page {lesson_path}{suffix}", lesson_path),
        ("ag" + via, f"(ag{via}) static file, the glossary's size ({server_name})",
         f"/static/{GLOSSARY_TWIN}"),
        ("c" + via, f"(c{via}) glossary index {GLOSSARY_PATH}{suffix}", GLOSSARY_PATH),
    )  # fmt: skip
    for _key, label, path in phases:
        say(f"wrk {label}: warm-up…")
        run_wrk(args.wrk, base + path, WARMUP_SECONDS, args.connections)
    seconds = max(1, args.duration // args.rounds)
    results = {key: [] for key, _label, _path in phases}
    for number in range(1, args.rounds + 1):
        names = ", ".join(f"({key})" for key, _label, _path in phases)
        say(f"wrk round {number} of {args.rounds}: {names} for {seconds} s each…")
        for key, _label, path in phases:
            results[key].append(run_wrk(args.wrk, base + path, seconds, args.connections))
        server.sample_memory()
    rows = {key: median_row(label, results[key]) for key, label, _path in phases}
    # Each page against the static file of its own size, measured seconds before it.
    ratios = {
        page_key: statistics.median(
            page.requests_per_sec / static.requests_per_sec
            for page, static in zip(results[page_key], results[static_key], strict=True)
        )
        for page_key, static_key in (("b" + via, "a" + via), ("c" + via, "ag" + via))
    }
    return rows, ratios


def nginx_phases(args, site, server, lesson_path, rows, ratios):
    """(an), (bn), (cn): deploy/nginx.conf in front of the same gunicorn, nginx serving the
    static file itself and the pages from its cache. Adds to rows and ratios; returns a note
    when nginx could not run (the rest of the benchmark still counts)."""
    try:
        ensure_nginx()
        proxy = Nginx(site.root / "nginx", f"{HOST}:{server.port}", site.static_root,
                      site.root / "media")  # fmt: skip
        proxy.start()
    except (NginxError, OSError) as error:
        say(f"nginx phases skipped: {error}")
        return f"nginx phases skipped: {error}"
    try:
        say(f"nginx up on port {proxy.port}, in front of gunicorn")
        more_rows, more_ratios = page_phases(args, server, proxy.url, lesson_path, via="n")
    finally:
        proxy.stop()
    rows.update(more_rows)
    ratios.update(more_ratios)
    return ""


def median_row(label, results):
    """The round with the median throughput stands for all (its latencies with it)."""
    ordered = sorted(results, key=lambda result: result.requests_per_sec)
    middle = ordered[len(ordered) // 2]
    errors = sum(result.errors for result in results)
    return Row(label, middle.requests_per_sec, middle.p50_ms, middle.p99_ms, errors)


def _left(deadline):
    return max(10.0, deadline - time.monotonic())


def quiz_phases(args, server, quiz_slugs, deadline):
    """(d1) one student alone: the service time, nothing to queue behind (informational);
    (d) all students at once, each pausing before every answer like a student reading the
    question: the target; (d0) the same students with no pauses at all, answering every quiz:
    the capacity (informational). Returns the three loads."""
    say("Quiz answers: 1 student alone…")
    alone = run_quiz_load(server.port, quiz_slugs[:1], 1, timeout=_left(deadline))
    chosen = quiz_slugs[: args.quizzes] if args.quizzes else quiz_slugs
    say(
        f"Quiz answers: {args.students} students × {len(chosen)} quiz(zes), "
        f"pausing {args.think:g} s on average…"
    )
    paced = run_quiz_load(
        server.port, chosen, args.students, timeout=_left(deadline), think=args.think
    )
    everything = quiz_slugs[:1] if args.smoke else quiz_slugs
    say(f"Quiz answers: {args.students} students × {len(everything)} quiz(zes), no pauses…")
    flat_out = run_quiz_load(server.port, everything, args.students, timeout=_left(deadline))
    server.sample_memory()
    return alone, paced, flat_out


def measure(args, site, server, started):
    """Everything that needs the server; returns the figures for the report."""
    lesson_path, quiz_slugs = prepare(args, site)
    server.start()
    watch = CpuWatch(server)
    watch.start()
    say(f"gunicorn up on port {server.port}, {args.workers} workers {server.worker_pids()}")

    rows, ratios = page_phases(args, server, f"http://{HOST}:{server.port}", lesson_path)
    nginx_note = nginx_phases(args, site, server, lesson_path, rows, ratios)
    # Leave 20 s of the time limit for the phases after the quiz.
    alone, quiz, flat_out = quiz_phases(args, server, quiz_slugs, started + args.timeout - 20)
    rows["d1"] = quiz_row("(d1) quiz answer POST, 1 student alone (info)", alone)
    pace = f"{args.think:g} s think time" if args.think else "no think time"
    rows["d"] = quiz_row(f"(d) quiz answer POST, {args.students} students, {pace}", quiz)
    rows["d0"] = quiz_row(
        f"(d0) quiz answer POST, {args.students} students, no pauses (info)", flat_out
    )

    # Informational: a returning student has a session, so each request reads it and records
    # the visit; the page is one of the lesson's two cached variants.
    cookie = quiz.clients[0].cookie_header()
    label = "(b*) lesson page, student with a session (info)"
    say(f"wrk {label}…")
    url = f"http://{HOST}:{server.port}{lesson_path}"
    rows["b*"] = wrk_phase(args.wrk, url, label, args, [f"Cookie: {cookie}"])

    say("(g) gradebook: seeding a class of 200 students × 20 assignments…")
    gradebook = run_gradebook(site, server.port, HOST, requests=GRADEBOOK_REQUESTS[args.smoke])

    weight = page_weight(Client(HOST, server.port), lesson_path)
    say(
        f"(e) load_content of {args.import_questions:,} questions while {args.students} students "
        "answer…"
    )
    imported = run_import_load(
        site, server.port, quiz_slugs[:1], args.students, args.think, args.import_questions,
        timeout=_left(started + args.timeout - 10),
    )  # fmt: skip
    stored = verify_stored(site.db_path, alone.answers + quiz.answers + flat_out.answers)
    imported_stored = verify_stored(site.db_path, imported.answers)
    server.sample_memory()
    return {
        "imported": imported,
        "imported_stored": imported_stored,
        "rows": rows,
        "ratios": ratios,
        "quiz": quiz,
        "alone": alone,
        "flat_out": flat_out,
        "stored": stored,
        "weight": weight,
        "lesson_path": lesson_path,
        "peaks_kb": dict(server.peak_kb),
        "nginx_note": nginx_note,
        "others_cores": watch.others_cores(),
        "gradebook": gradebook,
    }


# --- report ------------------------------------------------------------------------------


def report_noise(others_cores):
    cores = os.cpu_count() or 1
    say(f"  other processes used {others_cores:.2f} of {cores} CPU cores while this ran")
    if others_cores > BUSY_CORES:
        say("  WARNING: the machine was busy, so these figures understate the site; rerun")
        say("  on a quiet machine before comparing them with earlier runs.")


def report_throughput(rows, ratios):
    ceiling = rows["a"].rps
    lines = []
    for key in ("a", "b", "ag", "c", "b*", "an", "bn", "agn", "cn", "d", "d1", "d0"):
        row = rows.get(key)
        if row is None:
            continue
        ratio = ""
        if key in ratios:
            ratio = f"{ratios[key]:.0%}"
        elif ceiling and key in ("a", "b*"):
            ratio = f"{row.rps / ceiling:.0%}"
        elif key in ("an", "ag", "agn"):
            ratio = "100%"
        lines.append(
            [row.label, f"{row.rps:,.1f}", ms(row.p50_ms), ms(row.p99_ms), row.errors, ratio]
        )
    say(table(["phase", "req/s", "p50 ms", "p99 ms", "errors", "of its file"], lines))


def report_weight(resources, lesson_path):
    say(f"\nPage weight of {lesson_path}, as downloaded with Accept-Encoding: gzip, br")
    say("  (gzip* = the app sent the HTML uncompressed; counted at its gzip -6 size)")
    lines = [[r.path, r.kind, r.encoding, f"{r.size / 1024:.1f}", r.note] for r in resources]
    total = sum(r.size for r in resources)
    lines.append(["total", "", "", f"{total / 1024:.1f}", ""])
    say(table(["resource", "type", "encoding", "KB", "note"], lines))
    return total / 1024


def report_memory(peaks_kb):
    say("\nPeak memory (VmHWM) of each gunicorn worker")
    for pid, peak in sorted(peaks_kb.items()):
        say(f"  worker {pid}: {peak / 1024:.1f} MB")
    return max(peaks_kb.values(), default=0) / 1024


def report(args, figures):
    rows, stored, quiz = figures["rows"], figures["stored"], figures["quiz"]
    say("\nThroughput and latency (wrk for pages; quiz answers from the asyncio driver)")
    report_noise(figures["others_cores"])
    report_throughput(rows, figures["ratios"])
    say(
        f"  (a)-(c): median of {args.rounds} round(s); a ratio is the median of the ratios "
        "within each round"
    )
    say(
        f"\nQuiz answers: answers sent {stored.sent}, stored {stored.stored}, "
        f"duplicates {stored.duplicates}, lost {stored.lost}"
        + (f", unexpected {stored.unexpected}" if stored.unexpected else "")
    )
    for answer in (figures["alone"].errors + quiz.errors + figures["flat_out"].errors)[:5]:
        say(f"  error: {answer.action} -> {answer.error}")
    imported, imported_stored = figures["imported"], figures["imported_stored"]
    say(
        f"\n(e) Import beside students: load_content of {imported.questions:,} questions took "
        f"{imported.import_seconds:.1f} s; meanwhile {len(imported.answers)} answers were sent "
        f"(p99 {ms(percentile(imported.latencies_ms, 99))} ms), "
        f"{len(imported.errors)} errors, {imported_stored.lost} lost, "
        f"{imported_stored.duplicates} duplicated"
    )
    for answer in imported.errors[:5]:
        say(f"  error: {answer.action} -> {answer.error}")
    book = figures["gradebook"]
    say(
        f"\n(g) Gradebook, {book.students} students × {book.assignments} assignments, one "
        f"instructor, {len(book.seconds)} GETs: p50 {ms(book.p50_ms)} ms, p99 "
        f"{ms(book.p99_ms)} ms, {book.bytes / 1024:.0f} KB of HTML"
    )
    page_kb = report_weight(figures["weight"], figures["lesson_path"])
    worker_mb = report_memory(figures["peaks_kb"])

    ratios = figures["ratios"]
    d = rows["d"]
    session_ratio = rows["b*"].rps / rows["a"].rps if rows["a"].rps else 0.0
    checks = [
        (f"(b) lesson page >= {MIN_RATIO:.0%} of (a)", f"{ratios['b']:.0%}",
         ratios["b"] >= MIN_RATIO),
        (f"(c) glossary index >= {MIN_RATIO:.0%} of (ag)", f"{ratios['c']:.0%}",
         ratios["c"] >= MIN_RATIO),
        (f"(b*) lesson page, with a session >= {MIN_SESSION_RATIO:.0%} of (a)",
         f"{session_ratio:.0%}", session_ratio >= MIN_SESSION_RATIO),
    ]  # fmt: skip
    for key, label, file in (("bn", "(bn) lesson page", "an"), ("cn", "(cn) glossary", "agn")):
        if key in ratios:
            checks.append((f"{label} through nginx >= {MIN_NGINX_RATIO:.0%} of ({file})",
                           f"{ratios[key]:.0%}", ratios[key] >= MIN_NGINX_RATIO))  # fmt: skip
    checks += [
        (f"(d) answer p99 < {MAX_ANSWER_P99_MS} ms", f"{ms(d.p99_ms)} ms",
         d.p99_ms is not None and d.p99_ms < MAX_ANSWER_P99_MS),
        ("(d) 0 errors", str(d.errors), d.errors == 0),
        ("(d) 0 lost, 0 duplicated", f"{stored.lost} lost, {stored.duplicates} dup", stored.intact),
        (f"(e) {imported.questions:,}-question import: 0 student errors",
         f"{len(imported.errors)} errors, {imported_stored.lost} lost",
         not imported.errors and imported_stored.intact and len(imported.answers) > 0),
        (f"lesson page < {MAX_PAGE_KB} KB compressed", f"{page_kb:.1f} KB", page_kb < MAX_PAGE_KB),
        (f"gunicorn worker < {MAX_WORKER_MB} MB", f"{worker_mb:.1f} MB",
         0 < worker_mb < MAX_WORKER_MB),
        (f"(g) gradebook 200×20 p50 < {MAX_GRADEBOOK_MS} ms", f"{ms(book.p50_ms)} ms",
         book.p50_ms is not None and book.p50_ms < MAX_GRADEBOOK_MS),
    ]  # fmt: skip
    if figures.get("nginx_note"):
        say(f"\n{figures['nginx_note']}")
    say("\nTargets")
    say(table(["target", "measured", "result"], [[t, m, verdict(ok)] for t, m, ok in checks]))
    missed = sum(1 for *_rest, ok in checks if not ok)
    say(f"\n{missed} of {len(checks)} targets missed." if missed else "\nAll targets met.")


# --- main --------------------------------------------------------------------------------


def header(args):
    mode = "smoke" if args.smoke else "full"
    say(f"stressed benchmark ({mode} run) on {os.cpu_count()} CPU cores")
    say(
        f"  gunicorn: {args.workers} sync workers, production settings, access log off; "
        f"wrk: {min(2, args.connections)} threads, {args.connections} connections, "
        f"{args.duration} s per page phase in {args.rounds} round(s), after a "
        f"{WARMUP_SECONDS} s warm-up"
    )
    say(
        "  quiz answers: asyncio driver, one session per student, a fresh connection per "
        "answer, htmx-style POSTs (HX-Request), each answer sent once"
    )


def main(argv=None):
    args = parse_args(argv)
    started = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="stressed-bench-")
    site = Site(tmp, args.content)
    server = Gunicorn(site, args.workers, site.root / "gunicorn.log")
    try:
        with time_limit(args.timeout):
            header(args)
            args.wrk = ensure_wrk()
            figures = measure(args, site, server, started)
            server.stop()  # before the report: nothing more to measure
    except HarnessError as error:
        say(f"\nBENCHMARK FAILED: {error}")
        return 1
    finally:
        server.stop()
        if args.keep:
            say(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    report(args, figures)
    say(f"\nTook {time.monotonic() - started:.0f} s.")
    if not (figures["stored"].intact and figures["imported_stored"].intact):
        say("BENCHMARK FAILED: answers were lost or stored twice (see 'Quiz answers' above).")
        return 1
    return 0
