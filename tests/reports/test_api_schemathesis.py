"""schemathesis against /api/v1/openapi.json, in-process on the WSGI app: no server error, every answer documented.

Each operation gets property-based cases, valid ones (GenerationMode.POSITIVE) and invalid ones
(NEGATIVE: wrong types, patterns broken, parameters missing), with a live token of the scenario, with
a wrong one and with none. The checks are schemathesis's defaults (`call_and_validate`): no 5xx,
status codes, bodies and content types as the schema says.

The operations are driven with hypothesis directly (`APIOperation.as_strategy`): schemathesis 4.32's
pytest plugin does not run under pytest 9 ('Function' object has no attribute '_nodeid').
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from config.wsgi import application
from reports.services.api_tokens import api_token_create

pytestmark = pytest.mark.django_db

EXAMPLES = 150


@pytest.fixture
def keep_the_test_connection():
    """Calling the WSGI app directly (not Django's test client) would close the database connection at the end
    of each request (`close_old_connections`), and with it the test's transaction on PostgreSQL; the test client
    disconnects these receivers the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def live_token(scenario, settings, keep_the_test_connection):
    settings.LANTOA_API_RATE_LIMIT = "1000000/60"  # the limit has its own test; here every case reaches the view
    cache.clear()
    _record, raw = api_token_create(name="schemathesis")
    return raw


def test_the_api_answers_only_as_documented(live_token, capsys):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    counted = {"requests": 0, "server_errors": 0, "statuses": set()}
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(
                case=operation.as_strategy(generation_mode=mode),
                authorization=st.sampled_from([f"Bearer {live_token}", "Bearer lt_wrong", None]),
            )
            @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def run(case, authorization):
                headers = {"Authorization": authorization} if authorization else {}
                response = case.call_and_validate(headers=headers)
                counted["requests"] += 1
                counted["server_errors"] += response.status_code >= 500
                counted["statuses"].add(response.status_code)

            run()
    with capsys.disabled():
        print(
            f"\nschemathesis: {counted['requests']} requests, statuses {sorted(counted['statuses'])}, "
            f"{counted['server_errors']} server errors"
        )
    assert counted["server_errors"] == 0
    assert {200, 401, 422} <= counted["statuses"]
