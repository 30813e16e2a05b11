"""The certificate tasks: registered under the names the services send, and imported by the services never."""

import grimp
import pytest

from certificates import tasks
from certificates.services import bulk, register
from config.celery import app as celery_app


@pytest.mark.parametrize(
    "name", [register.TASK_ISSUE_FOR_COMPLETION, bulk.TASK_ADVANCE, bulk.TASK_RENDER, bulk.TASK_ASSEMBLE]
)
def test_every_task_the_services_send_is_registered(name):
    assert name in celery_app.tasks


def test_the_services_never_import_the_tasks():
    """The tasks import the services; a service enqueues a task by name, so there is no loop."""
    graph = grimp.build_graph("certificates")
    for module in graph.find_descendants("certificates.services") | {"certificates.services"}:
        assert graph.find_shortest_chain(importer=module, imported="certificates.tasks") is None, module


@pytest.mark.django_db
def test_the_render_task_stores_the_pdf_once(completion):
    certificate, _created = register.certificate_issue(completion=completion)

    first = tasks.certificate_render.delay(certificate.pk).get()
    certificate.refresh_from_db()
    stored = certificate.pdf.name
    second = tasks.certificate_render.delay(certificate.pk).get()
    certificate.refresh_from_db()

    assert first == second == certificate.pdf_sha256
    assert certificate.pdf.name == stored
    assert tasks.certificate_render.delay(999_999).get() is None
