"""Locust side of the learner capacity benchmark; started by `benchmarks/learner_capacity.py`, not on its own.

Each simulated user is one learner, already signed in (the benchmark puts a session made beforehand in
its cookie jar: signing in is not measured). It waits a random part of one think time, then loops:
my courses → a lesson → the quiz start page → POST start → the attempt page → one autosaved answer
(htmx) → POST submit → the result, with a think time (8–12 s, i.e. 10 s on average) after every
request. It answers one question of ten, so it never passes and may always start another attempt
(the benchmark course allows 1,000). Redirects are not followed: a redirect where a page was expected
(to the sign-in page, say) is a failure.

`StepShape` adds `step` users every `step_seconds` (all started within a second) up to `max_users`.
At the end of each step the step is judged on the requests completed in it: it is *sustained* when
their p95 is at most `p95_limit_ms` and none failed. Every second, the step so
far is also checked (the last `window_seconds`, at least 30 requests): failures or a p95 over the limit
end the run at once. The run stops at the first step not sustained, or after the step at `max_users`;
the capacity is the user count of the last sustained step. The steps (with their start and end time,
so the benchmark can put the CPU it sampled next to them) go to the JSON file the benchmark reads.

`phase: "warmup"` in the settings runs a few users with no think time for `warmup_seconds` instead, not
judged: every gunicorn worker compiles its templates and fills its caches before the ramp.
Settings come from the JSON file named by LANTOA_CAPACITY_DATA.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from http.cookiejar import Cookie
from pathlib import Path
from urllib.parse import urlparse

import gevent
from locust import FastHttpUser, LoadTestShape, between, constant, events, task

DATA = json.loads(Path(os.environ["LANTOA_CAPACITY_DATA"]).read_text())
WARMUP = DATA["phase"] == "warmup"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ITEM_FIELD = re.compile(r'name="item-(\d+)"')
ATTEMPT_URL = re.compile(r"^/quiz/attempt/(\d+)/$")

_user_numbers = itertools.count()
# (run time at completion, response time in ms, failed, page) of every request since the start.
_requests: list[tuple[float, float, bool, str]] = []
_errors: dict[str, int] = {}
_state: dict[str, object] = {"environment": None}


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def _run_time() -> float:
    return _state["environment"].shape_class.get_run_time()


@events.init.add_listener
def _remember_environment(environment, **_kwargs) -> None:
    _state["environment"] = environment


@events.request.add_listener
def _record(request_type, name, response_time, exception=None, **_kwargs) -> None:
    _requests.append((_run_time(), response_time, exception is not None, name))
    if exception is not None:
        key = f"{request_type} {name}: {exception}"[:200]
        _errors[key] = _errors.get(key, 0) + 1


@events.test_start.add_listener
def _start_judge(environment, **_kwargs) -> None:
    if not WARMUP:
        gevent.spawn(_judge, environment)


def _window(first: int, since: float) -> tuple[list[float], int]:
    """Response times (ms) and failures of the requests recorded from index `first` that completed after `since`."""
    inside = [(ms, failed) for at, ms, failed, _name in _requests[first:] if at >= since]
    return [ms for ms, _failed in inside], sum(failed for _ms, failed in inside)


def _judge(environment) -> None:
    """Judge every step at its end, watch the step in progress every second; write the result, stop locust."""
    limit, seconds, window = DATA["p95_limit_ms"], DATA["step_seconds"], DATA["window_seconds"]
    shape = environment.shape_class
    steps: list[dict] = []
    capacity, reason = 0, ""
    for number in itertools.count():
        users = shape.users_at(number)
        start, end = number * seconds, (number + 1) * seconds
        first = len(_requests)  # requests are recorded as they complete, so in time order
        started_at = time.time() - (_run_time() - start)
        verdict = ""
        while _run_time() < end:
            gevent.sleep(1.0)
            now = _run_time()
            recent, _ = _window(first, max(start, now - window))
            _, failures = _window(first, start)
            if failures:
                verdict = f"{failures} failed request(s) at {users} users"
            elif len(recent) >= 30 and _percentile(recent, 0.95) > limit:
                verdict = f"p95 over {limit:.0f} ms in the last {window:.0f} s at {users} users"
            if verdict:
                end = now
                break
        times, failures = _window(first, start)
        p95 = _percentile(times, 0.95)
        if not verdict and failures:
            verdict = f"{failures} failed request(s) at {users} users"
        if not verdict and p95 > limit:
            verdict = f"p95 {p95:.0f} ms over {limit:.0f} ms at {users} users"
        measured = max(end - start, 1e-9)
        steps.append(
            {
                "users": users,
                "started": started_at,
                "finished": started_at + measured,
                "requests": len(times),
                "requests_per_second": len(times) / measured,
                "failures": failures,
                "median_ms": _percentile(times, 0.5),
                "p95_ms": p95,
                "max_ms": max(times, default=0.0),
                "sustained": not verdict,
            }
        )
        if verdict:
            reason = verdict
            break
        capacity = users
        if users >= DATA["max_users"]:
            reason = f"reached --max-users ({users}) with p95 ≤ {limit:.0f} ms and no failures"
            break
    shape.finished = True
    result = {"capacity": capacity, "reason": reason, "steps": steps, "errors": _errors, "pages": _pages(steps)}
    Path(DATA["result_file"]).write_text(json.dumps(result, indent=2))
    environment.runner.quit()


def _pages(steps: list[dict]) -> dict[str, dict]:
    """Per page: requests, median and p95 (ms) up to the end of the last sustained step (all, if none was)."""
    sustained = [number for number, step in enumerate(steps) if step["sustained"]]
    until = (sustained[-1] + 1 if sustained else len(steps)) * DATA["step_seconds"]
    times: dict[str, list[float]] = {}
    for at, ms, _failed, name in _requests:
        if at < until:
            times.setdefault(name, []).append(ms)
    return {
        name: {"requests": len(values), "median_ms": _percentile(values, 0.5), "p95_ms": _percentile(values, 0.95)}
        for name, values in times.items()
    }


class StepShape(LoadTestShape):
    """`step` more users every `step_seconds` until the judge says stop; a fixed few users for the warm-up."""

    finished = False

    def users_at(self, number: int) -> int:
        return min(DATA["start_users"] + number * DATA["step"], DATA["max_users"])

    def tick(self) -> tuple[int, float] | None:
        run_time = self.get_run_time()
        if WARMUP:
            return (DATA["warmup_users"], DATA["warmup_users"]) if run_time < DATA["warmup_seconds"] else None
        if self.finished or run_time > DATA["time_limit_seconds"]:
            return None
        return self.users_at(int(run_time // DATA["step_seconds"])), DATA["step"]


def _check(response, *, status: int, contains: str | None = None) -> None:
    """Mark a response failed unless it has the expected status (and text)."""
    if response.status_code != status:
        location = response.headers.get("Location", "") if response.headers else ""
        response.failure(f"HTTP {response.status_code} {location}".strip())
    elif contains is not None and contains not in (response.text or ""):
        response.failure(f"missing {contains!r}")
    else:
        response.success()


class Learner(FastHttpUser):
    """One signed-in learner going through the course and the quiz, thinking after every page."""

    wait_time = constant(0) if WARMUP else between(DATA["think_min_seconds"], DATA["think_max_seconds"])
    network_timeout = 120.0
    connection_timeout = 120.0

    def on_start(self) -> None:
        number = next(_user_numbers)
        sessions = DATA["sessions"]
        # Warm-up users take the last sessions, the ramp's users the first ones: never the same learner twice.
        value = sessions[-1 - number % DATA["warmup_users"]] if WARMUP else sessions[number % DATA["users_max"]]
        host = urlparse(self.host).hostname
        self.client.cookiejar.set_cookie(_cookie(DATA["cookie_name"], value, host))
        self.loops = 0
        if not WARMUP:
            gevent.sleep(random.uniform(0, DATA["think_max_seconds"]))  # noqa: S311 - arrival spread, not security

    def _headers(self, page_token: str, **extra: str) -> dict[str, str]:
        cookie = next((cookie.value for cookie in self.client.cookiejar if cookie.name == "csrftoken"), "")
        return {"X-CSRFToken": cookie or page_token, "Referer": self.host + "/", **extra}

    @task
    def journey(self) -> None:
        self.loops += 1
        client = self.client
        course, version = DATA["course_slug"], DATA["version_id"]
        lesson = (self.loops - 1) % DATA["lesson_count"] + 1

        with client.get("/courses/", name="my courses", allow_redirects=False, catch_response=True) as response:
            _check(response, status=200, contains=f"/courses/{course}/")
        self.wait()
        with client.get(
            f"/courses/{course}/lessons/{lesson}/", name="lesson", allow_redirects=False, catch_response=True
        ) as response:
            _check(response, status=200, contains=f'href="/courses/{course}/')
        self.wait()
        with client.get(f"/quiz/{version}/", name="quiz start", allow_redirects=False, catch_response=True) as response:
            _check(response, status=200, contains=f"/quiz/{version}/start/")
            match = CSRF_FIELD.search(response.text or "")
        token = match.group(1) if match else ""
        self.wait()
        with client.post(
            f"/quiz/{version}/start/",
            headers=self._headers(token),
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
        self.wait()
        with client.get(
            f"/quiz/attempt/{attempt}/", name="attempt", allow_redirects=False, catch_response=True
        ) as response:
            _check(response, status=200, contains="data-quiz-form")
            items = ITEM_FIELD.findall(response.text or "")
        if not items:
            return
        self.wait()
        # The first question's first choice: one answer of ten can never reach the pass mark.
        answer = {f"item-{items[0]}": "1"}
        with client.post(
            f"/quiz/attempt/{attempt}/answers/{items[0]}/",
            headers=self._headers(token, **{"HX-Request": "true"}),
            data=answer,
            name="POST autosave",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            _check(response, status=200, contains="save-ok")
        self.wait()
        with client.post(
            f"/quiz/attempt/{attempt}/",
            headers=self._headers(token),
            data={**answer, "action": "submit"},
            name="POST submit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            _check(response, status=302)
        self.wait()
        with client.get(
            f"/quiz/attempt/{attempt}/result/", name="result", allow_redirects=False, catch_response=True
        ) as response:
            _check(response, status=200, contains=f"/quiz/attempt/{attempt}/review/")
        # The task runner thinks once more before the next loop's first page.


def _cookie(name: str, value: str, host: str) -> Cookie:
    return Cookie(
        version=0,
        name=name,
        value=value,
        port=None,
        port_specified=False,
        domain=host,
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=None,
        discard=True,
        comment=None,
        comment_url=None,
        rest={},
    )
