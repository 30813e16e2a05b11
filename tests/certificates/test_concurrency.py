"""Concurrent issue on PostgreSQL, with real threads and connections: unique, gap-free serials."""

import threading

import pytest
from django.db import connection, connections

from certificates import services
from certificates.models import Certificate, SerialCounter
from courses.models import Completion

from .conftest import person, quiz_completion

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_in_threads(target, arguments):
    errors = []
    barrier = threading.Barrier(len(arguments))

    def run(argument):
        try:
            barrier.wait()
            target(argument)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _issue(completion_id):
    completion = Completion.objects.select_related("staff", "course", "attempt", "version").get(pk=completion_id)
    services.certificate_issue(completion=completion)


def test_concurrent_issue_gives_unique_gap_free_serials(tree, version):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    completions = [quiz_completion(staff=person(tree["vp"]), version=version) for _ in range(12)]

    errors = _run_in_threads(_issue, [completion.pk for completion in completions])

    assert errors == []
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 13))
    assert Certificate.objects.values("serial").distinct().count() == 12
    assert SerialCounter.objects.get().last_number == 12


def test_concurrent_issue_for_the_same_person_gives_one_certificate_and_no_gap(tree, version):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    same = quiz_completion(staff=person(tree["vp"]), version=version)
    other = quiz_completion(staff=person(tree["vp"]), version=version)

    errors = _run_in_threads(_issue, [same.pk] * 6 + [other.pk])

    assert errors == []
    assert Certificate.objects.filter(completion=same).count() == 1
    assert sorted(Certificate.objects.values_list("number", flat=True)) == [1, 2]
    assert SerialCounter.objects.get().last_number == 2
