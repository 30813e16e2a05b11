"""Locust users of the learner load benchmark; started by `benchmarks/load_learners.py`, not on its own.

Three user classes, one per run (named on locust's command line):

- `BaselineVisitor`: GET the minimal one-row view (`benchmarks.views.one_row`) in a loop.
- `SignedInVisitor`: signs in like `Learner`, then GETs the same one-row view in a loop (a reference:
  what the session and the user cost every signed-in page).
- `Learner`: signs in once to each of its learner accounts (requests named "sign-in", left
  out of the measurement), then loops: my courses → a lesson → the quiz start page →
  POST start → the attempt page → one autosaved answer (htmx) → POST submit → the result.
  It answers one question of ten only, so it never reaches the pass mark and may always
  start another attempt (the benchmark course allows 1,000).

No think time: every simulated user sends its next request as soon as the last one is
answered. Redirects are not followed, so every figure is one request to one page, and a
redirect where a page was expected (to the sign-in page, say) counts as a failure.

The measurement starts once every user is signed in, after a warm-up: the statistics are
reset then, and locust stops itself after the measured window, writing its figures to the
JSON file the benchmark reads. Settings come from the JSON file named by LANTOA_BENCH_DATA.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from http.cookiejar import CookieJar
from pathlib import Path

import gevent
from locust import FastHttpUser, constant, events, task
from locust.contrib.fasthttp import FastHttpSession

DATA = json.loads(Path(os.environ["LANTOA_BENCH_DATA"]).read_text())
SIGN_IN = "sign-in"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ITEM_FIELD = re.compile(r'name="item-(\d+)"')
ATTEMPT_URL = re.compile(r"^/quiz/attempt/(\d+)/$")

_state: dict[str, object] = {"environment": None, "ready": 0, "first_sign_in": None, "all_signed_in": None}
_user_numbers = itertools.count()


@events.init.add_listener
def _remember_environment(environment, **_kwargs) -> None:
    _state["environment"] = environment


def _user_ready() -> None:
    _state["ready"] += 1
    if _state["ready"] == DATA["users"]:
        _state["all_signed_in"] = time.time()
        gevent.spawn(_measure)


def _measure() -> None:
    environment = _state["environment"]
    gevent.sleep(DATA["warmup_seconds"])
    environment.stats.reset_all()
    started = time.time()
    gevent.sleep(DATA["measure_seconds"])
    finished = time.time()
    _write_results(environment, started=started, finished=finished)
    environment.runner.quit()


def _write_results(environment, *, started: float, finished: float) -> None:
    entries = []
    for entry in environment.stats.entries.values():
        if entry.name == SIGN_IN:
            continue
        entries.append(
            {
                "name": entry.name,
                "method": entry.method,
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "median_ms": entry.median_response_time,
                "p95_ms": entry.get_response_time_percentile(0.95),
                "average_ms": entry.avg_response_time,
                "max_ms": entry.max_response_time,
            }
        )
    errors = [
        {"name": error.name, "method": error.method, "error": str(error.error), "occurrences": error.occurrences}
        for error in environment.stats.errors.values()
    ]
    first = _state["first_sign_in"]
    result = {
        "started": started,
        "finished": finished,
        "seconds": finished - started,
        "users": DATA["users"],
        "sign_in_seconds": (_state["all_signed_in"] - first) if first else 0.0,
        "entries": entries,
        "errors": errors,
    }
    Path(DATA["result_file"]).write_text(json.dumps(result, indent=2))


def _check(response, *, status: int, contains: str | None = None) -> None:
    """Mark a response failed unless it has the expected status (and text)."""
    if response.status_code != status:
        location = response.headers.get("Location", "") if response.headers else ""
        response.failure(f"HTTP {response.status_code} {location}".strip())
    elif contains is not None and contains not in (response.text or ""):
        response.failure(f"missing {contains!r}")
    else:
        response.success()


class BaselineVisitor(FastHttpUser):
    """The minimal Django view that reads one row, as fast as it answers."""

    wait_time = constant(0)

    def on_start(self) -> None:
        _user_ready()

    @task
    def one_row(self) -> None:
        with self.client.get(DATA["baseline_path"], name="one-row view", catch_response=True) as response:
            _check(response, status=200)


class _LearnerSession:
    """One signed-in learner: a client with its own cookies (session, CSRF token)."""

    def __init__(self, user: FastHttpUser, email: str):
        self.email = email
        self.client = FastHttpSession(
            base_url=user.host,
            request_event=user.environment.events.request,
            user=user,
            network_timeout=user.network_timeout,
            connection_timeout=user.connection_timeout,
            max_retries=0,
            insecure=True,
            max_redirects=0,
        )
        self.loops = 0

    @property
    def cookies(self) -> CookieJar:
        return self.client.cookiejar

    def csrf_token(self) -> str:
        return next((cookie.value for cookie in self.cookies if cookie.name == "csrftoken"), "")

    def post_headers(self, **extra: str) -> dict[str, str]:
        return {"X-CSRFToken": self.csrf_token(), "Referer": self.client.base_url + "/", **extra}


class _SignedInUser(FastHttpUser):
    """Signs in once to each of its learner accounts before the measurement, then takes them in turn."""

    abstract = True
    wait_time = constant(0)

    def on_start(self) -> None:
        if _state["first_sign_in"] is None:
            _state["first_sign_in"] = time.time()
        number = next(_user_numbers)
        emails = DATA["learners"][number :: DATA["users"]]
        self.sessions = [self._sign_in(email) for email in emails]
        self.rotation = itertools.cycle(self.sessions)
        _user_ready()

    def _sign_in(self, email: str) -> _LearnerSession:
        learner = _LearnerSession(self, email)
        page = learner.client.get("/accounts/login/", name=SIGN_IN)
        match = CSRF_FIELD.search(page.text or "")
        token = match.group(1) if match else ""
        with learner.client.post(
            "/accounts/login/",
            data={"login": email, "password": DATA["password"], "csrfmiddlewaretoken": token},
            headers={"Referer": learner.client.base_url + "/accounts/login/"},
            allow_redirects=False,
            name=SIGN_IN,
            catch_response=True,
        ) as response:
            _check(response, status=302)
        return learner


class SignedInVisitor(_SignedInUser):
    """The same one-row view, requested by signed-in learners: what every signed-in page pays before its own
    work (the session read from Redis, the user from PostgreSQL, the middleware acting on a signed-in user)."""

    @task
    def one_row(self) -> None:
        learner = next(self.rotation)
        with learner.client.get(
            DATA["baseline_path"], name="one-row view, signed in", allow_redirects=False, catch_response=True
        ) as response:
            _check(response, status=200)


class Learner(_SignedInUser):
    @task
    def journey(self) -> None:
        learner = next(self.rotation)
        learner.loops += 1
        client = learner.client
        course, version = DATA["course_slug"], DATA["version_id"]
        lesson = (learner.loops - 1) % DATA["lesson_count"] + 1

        with client.get("/courses/", name="my courses", allow_redirects=False, catch_response=True) as response:
            _check(response, status=200, contains=f"/courses/{course}/")
        with client.get(
            f"/courses/{course}/lessons/{lesson}/", name="lesson", allow_redirects=False, catch_response=True
        ) as response:
            _check(response, status=200, contains=f'href="/courses/{course}/')
        with client.get(f"/quiz/{version}/", name="quiz start", allow_redirects=False, catch_response=True) as response:
            _check(response, status=200, contains=f"/quiz/{version}/start/")
        with client.post(
            f"/quiz/{version}/start/",
            headers=learner.post_headers(),
            data={},
            name="POST start",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = (response.headers or {}).get("Location", "")
            match = ATTEMPT_URL.match(location)
            if response.status_code != 302 or not match:
                response.failure(f"HTTP {response.status_code} {location}".strip())
                return
            response.success()
        attempt = match.group(1)
        with client.get(
            f"/quiz/attempt/{attempt}/", name="attempt", allow_redirects=False, catch_response=True
        ) as response:
            _check(response, status=200, contains="data-quiz-form")
            items = ITEM_FIELD.findall(response.text or "")
        if not items:
            return
        # The first question's first choice: one answer of ten can never reach the pass mark.
        answer = {f"item-{items[0]}": "1"}
        with client.post(
            f"/quiz/attempt/{attempt}/answers/{items[0]}/",
            headers=learner.post_headers(**{"HX-Request": "true"}),
            data=answer,
            name="POST autosave",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            _check(response, status=200, contains='class="save-ok"')
        with client.post(
            f"/quiz/attempt/{attempt}/",
            headers=learner.post_headers(),
            data={**answer, "action": "submit"},
            name="POST submit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            _check(response, status=302)
        with client.get(
            f"/quiz/attempt/{attempt}/result/", name="result", allow_redirects=False, catch_response=True
        ) as response:
            _check(response, status=200, contains=f"/quiz/attempt/{attempt}/review/")
