"""Server CPU per request of the learner journey's pages, against the one-row view: a stable figure.

The load benchmark (`benchmarks/load_learners.py`) measures requests/s under load, which a
busy 2-core machine makes noisy. This script measures what that throughput follows: the CPU
one request costs the server. In one process, with `config.settings.bench` (production
settings: DEBUG off, cached templates, cached_db sessions in Redis, persistent PostgreSQL
connection, whitenoise's manifest storage) on the load benchmark's database
(`lantoa_bench_load`, seeded by `load_learners.seed`), Django's test client signs learners in
(`force_login`) and walks the same journey as the locust users — my courses → a lesson →
the quiz start page → POST start → the attempt page → one autosaved answer (htmx) → POST
submit → the result — and, with a client that has no session, the one-row view
(`/bench/one-row/`). CSRF checks are on, as in production (the POSTs send the token).

Per request it records `time.process_time()` of this process (Django: middleware, view,
ORM, templates — the test client's own share is small and the same for every page) and the
CPU of the PostgreSQL backend serving the connection (from /proc, in clock ticks: summed
over a round, not per request). A few loops warm up (templates compiled, URL resolver
filled; every client at least once, as each loads the middleware on its first request), then
`--rounds` rounds of `--loops` loops each are measured; the figure of a page is its lowest
over the rounds (the round least disturbed by whatever else the machine runs: CPU time still
grows when other processes compete for the caches and cores). Learners are taken in turn
(`--learners`, like the load benchmark's locust users, which each hold several), so that no
one's attempt list grows long; the benchmark course's attempts and readings are deleted
first (`load_learners.reset_state`). The test client does not send Django's request_started
signal to `close_old_connections`, so the per-request connection health check
(`CONN_HEALTH_CHECKS`) is not counted: it costs the pages and the baseline alike.

The manifest storage needs the collected files: `collectstatic` runs first into
`LANTOA_BENCH_STATIC_ROOT` (default: a fixed directory under the system's temporary
directory, kept between runs; `--no-collectstatic` skips it once it is there).

Not loaded: gunicorn's own request parsing and the network, the same for every page and
for the baseline; "ratio" is the one-row view's CPU ÷ a page's, i.e. the share of the
baseline's throughput the page would reach on a CPU-bound server.

    .venv/bin/python benchmarks/page_cpu.py [--loops 40] [--rounds 5] [--learners 20] [--profile "my courses"]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import _common  # noqa: E402
import load_learners  # noqa: E402

BASELINE = "one-row view"
# Forms are posted urlencoded, as browsers and the load benchmark's locust users post them (the test
# client's default, multipart, costs the server more to parse).
FORM = "application/x-www-form-urlencoded"
SIGNED_IN = "one-row view, signed in"
PAGES = load_learners.PAGES
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")
BASELINE_PER_LOOP = 8  # one-row requests per journey loop: enough for the database's clock ticks to add up


def _setup(*, database_url: str, collect: bool, settings_module: str = "config.settings.bench") -> None:
    static_root = Path(os.environ.get("LANTOA_BENCH_STATIC_ROOT", Path(tempfile.gettempdir()) / "lantoa-page-cpu"))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("CACHE_URL", load_learners.DEFAULT_CACHE_URL)
    os.environ["LANTOA_BENCH_STATIC_ROOT"] = str(static_root)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    _common.database_create(database_url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    assert not settings.DEBUG, "DEBUG keeps every query in memory; measure with DEBUG off"
    call_command("migrate", verbosity=0, interactive=False)
    if collect or not (static_root / "staticfiles.json").exists():
        call_command("collectstatic", verbosity=0, interactive=False)


def _backend_ticks() -> int:
    """CPU clock ticks (user + system) used so far by the PostgreSQL backend of Django's connection."""
    from django.db import connection

    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of the whole line)


class Journey:
    """Signed-in test clients, one per learner, walking the locust learner's loop."""

    def __init__(self, *, seeded: load_learners.Seeded, learners: int):
        from django.test import Client

        from accounts.models import User

        self.seeded = seeded
        users = {user.email: user for user in User.objects.filter(email__in=seeded.emails[:learners])}
        self.clients = []
        for email in seeded.emails[:learners]:
            client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
            client.force_login(users[email], backend="accounts.backends.ModelBackend")
            self.clients.append(client)
        self.anonymous = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
        self.loops = 0

    def loop(self, record) -> None:
        """One loop of one learner (the next in turn); `record(name, call)` times and checks each request."""
        client = self.clients[self.loops % len(self.clients)]
        lesson = (self.loops // len(self.clients)) % self.seeded.lesson_count + 1
        self.loops += 1
        course, version = self.seeded.course_slug, self.seeded.version_id
        token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
        posting = {"HTTP_X_CSRFTOKEN": token, "content_type": FORM}

        record("my courses", lambda: client.get("/courses/"), 200, f"/courses/{course}/")
        record("lesson", lambda: client.get(f"/courses/{course}/lessons/{lesson}/"), 200, f'href="/courses/{course}/')
        response = record("quiz start", lambda: client.get(f"/quiz/{version}/"), 200, f"/quiz/{version}/start/")
        if not token:
            token = client.cookies["csrftoken"].value
            posting = {"HTTP_X_CSRFTOKEN": token, "content_type": FORM}
        response = record("POST start", lambda: client.post(f"/quiz/{version}/start/", "", **posting), 302, None)
        attempt = response["Location"].rstrip("/").rsplit("/", 1)[1]
        response = record("attempt", lambda: client.get(f"/quiz/attempt/{attempt}/"), 200, "data-quiz-form")
        item = load_learners_item(response.content.decode())
        answer = {f"item-{item}": "1"}
        record(
            "POST autosave",
            lambda: client.post(
                f"/quiz/attempt/{attempt}/answers/{item}/", urlencode(answer), HTTP_HX_REQUEST="true", **posting
            ),
            200,
            'class="save-ok"',
        )
        record(
            "POST submit",
            lambda: client.post(f"/quiz/attempt/{attempt}/", urlencode({**answer, "action": "submit"}), **posting),
            302,
            None,
        )
        record(
            "result", lambda: client.get(f"/quiz/attempt/{attempt}/result/"), 200, f"/quiz/attempt/{attempt}/review/"
        )

    def baseline(self, record) -> None:
        record(BASELINE, lambda: self.anonymous.get(load_learners.BASELINE_PATH), 200, None)

    def signed_in(self, record, turn: int) -> None:
        """The same view for a signed-in learner: a reference, what the session and the user cost every page."""
        client = self.clients[turn % len(self.clients)]
        record(SIGNED_IN, lambda: client.get(load_learners.BASELINE_PATH), 200, None)


def load_learners_item(html: str) -> str:
    import re

    return re.search(r'name="item-(\d+)"', html).group(1)


def _checked(name: str, response, status: int, contains: str | None):
    if response.status_code != status:
        raise AssertionError(f"{name}: HTTP {response.status_code} {response.get('Location', '')}")
    if contains is not None and contains not in response.content.decode():
        raise AssertionError(f"{name}: {contains!r} missing")
    return response


def measure(*, journey: Journey, loops: int, rounds: int, warmup: int) -> dict[str, dict[str, float]]:
    """Lowest over rounds of each page's ms of Django CPU per request, and the database's over the round."""

    def untimed(name, call, status, contains):
        return _checked(name, call(), status, contains)

    # Every client at least once: each test client loads the middleware on its first request (whitenoise
    # then indexes the static files), which no measured request should pay.
    for turn in range(max(warmup, len(journey.clients))):
        journey.loop(untimed)
        journey.baseline(untimed)
        journey.signed_in(untimed, turn)

    per_round: dict[str, list[float]] = defaultdict(list)
    database: dict[str, list[float]] = defaultdict(list)
    for _ in range(rounds):
        spent: dict[str, float] = defaultdict(float)
        counts: dict[str, int] = defaultdict(int)

        def timed(name, call, status, contains, spent=spent, counts=counts):
            started = time.process_time()
            response = call()
            spent[name] += time.process_time() - started
            counts[name] += 1
            return _checked(name, response, status, contains)

        ticks = _backend_ticks()
        for _ in range(loops):
            journey.loop(timed)
        journey_ticks = _backend_ticks() - ticks
        for _ in range(loops * BASELINE_PER_LOOP):
            journey.baseline(timed)
        baseline_ticks = _backend_ticks() - ticks - journey_ticks
        for turn in range(loops * BASELINE_PER_LOOP):
            journey.signed_in(timed, turn)
        signed_in_ticks = _backend_ticks() - ticks - journey_ticks - baseline_ticks
        for name, seconds in spent.items():
            per_round[name].append(seconds * 1000 / counts[name])
        database["journey"].append(journey_ticks * TICK_MS / (loops * len(PAGES)))
        database[BASELINE].append(baseline_ticks * TICK_MS / (loops * BASELINE_PER_LOOP))
        database[SIGNED_IN].append(signed_in_ticks * TICK_MS / (loops * BASELINE_PER_LOOP))
    return {
        "django": {name: min(values) for name, values in per_round.items()},
        # Clock ticks are 10 ms: the mean over the rounds, not the lowest of a few ticks.
        "database": {name: statistics.mean(values) for name, values in database.items()},
    }


def report(figures: dict[str, dict[str, float]], *, loops: int, rounds: int, learners: int) -> str:
    django_ms, database_ms = figures["django"], figures["database"]
    base = django_ms[BASELINE]
    journey = statistics.mean(django_ms[name] for name in PAGES)
    base_total, journey_total = base + database_ms[BASELINE], journey + database_ms["journey"]
    lines = [
        f"Django CPU per request (process_time), lowest of {rounds} rounds of {loops} loops, {learners} learners:",
        "",
        "| page | ms CPU / request | one-row view ÷ page |",
        "| --- | ---: | ---: |",
        f"| {BASELINE} (baseline) | {base:.2f} | 1.00 |",
    ]
    lines.append(f"| reference: {SIGNED_IN} | {django_ms[SIGNED_IN]:.2f} | {base / django_ms[SIGNED_IN]:.2f} |")
    lines += [f"| {name} | {django_ms[name]:.2f} | {base / django_ms[name]:.2f} |" for name in PAGES]
    lines.append(f"| **journey, mean of the pages** | **{journey:.2f}** | **{base / journey:.2f}** |")
    lines += [
        "",
        f"PostgreSQL backend CPU per request (10 ms clock ticks, mean over the rounds): one-row view "
        f"{database_ms[BASELINE]:.2f} ms, signed in {database_ms[SIGNED_IN]:.2f} ms, journey pages "
        f"{database_ms['journey']:.2f} ms.",
        f"Both together: one-row view {base_total:.2f} ms, journey pages {journey_total:.2f} ms "
        f"→ ratio {base_total / journey_total:.2f}.",
        f"The journey's pages cost {journey / django_ms[SIGNED_IN]:.2f}× the signed-in one-row view in Django.",
    ]
    return "\n".join(lines)


def profile(*, journey: Journey, page: str, loops: int, limit: int) -> str:
    """cProfile (CPU time) of one page's requests (the other pages run unprofiled), sorted by cumulative time."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile(time.process_time)

    def maybe(name, call, status, contains):
        if name != page:
            return _checked(name, call(), status, contains)
        profiler.enable()
        response = call()
        profiler.disable()
        return _checked(name, response, status, contains)

    for turn in range(loops):
        if page == BASELINE:
            journey.baseline(maybe)
        elif page == SIGNED_IN:
            journey.signed_in(maybe, turn)
        else:
            journey.loop(maybe)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(limit)
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loops", type=int, default=40, help="journey loops per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured loops first")
    parser.add_argument("--learners", type=int, default=20, help="learners taken in turn")
    parser.add_argument("--seed-learners", type=int, default=200, help="learner accounts to seed (as load_learners)")
    parser.add_argument("--database-url", default=load_learners.DEFAULT_DATABASE_URL)
    parser.add_argument("--settings", default="config.settings.bench", help="a settings module to try instead")
    parser.add_argument("--no-collectstatic", action="store_true", help="reuse the files collected last time")
    parser.add_argument("--profile", metavar="PAGE", help="print a cProfile of this page instead of the table")
    parser.add_argument("--profile-lines", type=int, default=60)
    parser.add_argument("--results", action="store_true", help="also write the table to benchmarks/results.md")
    args = parser.parse_args(argv)

    _setup(database_url=args.database_url, collect=not args.no_collectstatic, settings_module=args.settings)
    seeded = load_learners.seed(learners=args.seed_learners)
    load_learners.reset_state(seeded=seeded)
    journey = Journey(seeded=seeded, learners=args.learners)
    if args.profile:
        for _ in range(max(args.warmup, len(journey.clients))):
            journey.loop(lambda name, call, status, contains: _checked(name, call(), status, contains))
        print(profile(journey=journey, page=args.profile, loops=args.loops, limit=args.profile_lines))
        return
    figures = measure(journey=journey, loops=args.loops, rounds=args.rounds, warmup=args.warmup)
    text = report(figures, loops=args.loops, rounds=args.rounds, learners=args.learners)
    print(text)
    if args.results:
        write_results(text)


def write_results(text: str) -> None:
    """The table, with the machine and date, between this script's markers in benchmarks/results.md."""
    import datetime as dt

    start, end = "<!-- page_cpu:start -->", "<!-- page_cpu:end -->"
    block = (
        f"{start}\n## Server CPU per learner page, in process (`benchmarks/page_cpu.py`)\n\n"
        f"Machine: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; nproc {os.cpu_count()}; "
        f"`config.settings.bench` on `lantoa_bench_load`.\n\n{text}\n{end}"
    )
    _common.results_write(block, start=start, end=end)


if __name__ == "__main__":
    main()
