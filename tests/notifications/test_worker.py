"""The reminder task on a real Celery worker (a subprocess) through the real broker.

Runs when CELERY_BROKER_URL is set (CI's PostgreSQL + Redis run): the worker reads the
same test database, so the test commits its data (transaction=True). It listens on a
queue of its own, so no other worker takes the task.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from notifications.models import ReminderLog
from notifications.tasks import reminders_send_due

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="needs CELERY_BROKER_URL (a real broker)"),
]

PROJECT = Path(__file__).resolve().parents[2]
TIMEOUT = 60


def _database_url() -> str:
    settings = connection.settings_dict
    credentials = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return f"postgres://{credentials}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"


@pytest.fixture
def worker(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database another process can open (PostgreSQL)")
    queue = f"lantoa-test-{uuid.uuid4().hex}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log_path = tmp_path / "worker.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
        "DATABASE_URL": _database_url(),
        "LANTOA_TEST_EMAIL_DIR": str(mail_dir),
        "PYTHONPATH": str(PROJECT),
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--queues", queue,
               "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]  # fmt: skip
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=PROJECT, env=environment, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield {"queue": queue, "mail_dir": mail_dir, "log": log_path}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print(log_path.read_text())  # shown by pytest only when the test fails


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_overdue_reminders_once(worker, people, assignment):
    first = reminders_send_due.apply_async(kwargs={"on_date": "2026-04-01"}, queue=worker["queue"])
    assert first.get(timeout=TIMEOUT) == {"due_soon": 0, "overdue": 5, "digests": 0, "failed": 0}
    again = reminders_send_due.apply_async(kwargs={"on_date": "2026-04-01"}, queue=worker["queue"])
    assert again.get(timeout=TIMEOUT)["overdue"] == 0

    logs = ReminderLog.objects.filter(kind="overdue")
    assert logs.count() == 5 and not logs.filter(sent_at__isnull=True).exists()
    written = "".join(path.read_text() for path in worker["mail_dir"].iterdir())
    assert written.count("\nTo: ") == 5
    for address in ("hoc.vien@stp.dongnai.gov.vn", "vp2@stp.dongnai.gov.vn", "tg2@stp.dongnai.gov.vn"):
        assert f"To: {address}" in written
