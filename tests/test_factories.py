"""Every factory builds a row its model accepts: saved, and valid by `full_clean()`."""

import pytest
from django.apps import apps

from courses.models import CourseVersionStatus
from quizzes.services.questions import question_bank_problems

from . import factories

pytestmark = pytest.mark.django_db

FACTORIES = sorted(
    (
        value
        for name, value in vars(factories).items()
        if name.endswith("Factory") and isinstance(value, type) and hasattr(value, "create")
    ),
    key=lambda value: value.__name__,
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("factory_class", FACTORIES, ids=lambda value: value.__name__)
def test_each_factory_builds_a_valid_row(factory_class):
    row = factory_class()

    row.refresh_from_db()
    row.full_clean()


def test_every_model_of_the_project_has_a_factory():
    built = {factory_class()._meta.model for factory_class in FACTORIES}
    project_models = {
        model
        for model in apps.get_models()
        if model.__module__.split(".")[0]
        in {
            "accounts",
            "orgchart",
            "courses",
            "quizzes",
            "certificates",
            "notifications",
            "reports",
            "nominations",
            "semiannual",
            "publication",
        }
    }
    assert project_models - built == set()


def test_a_published_version_has_a_valid_bank_and_retires_the_previous_one():
    first = factories.PublishedVersionFactory(lessons=3, questions=4, questions_per_attempt=2)
    second = factories.PublishedVersionFactory(course=first.course)

    first.refresh_from_db()
    assert (first.lessons.count(), first.questions.count(), first.questions_per_attempt) == (3, 4, 2)
    assert question_bank_problems(version=first) == []
    assert (first.status, second.status, second.number) == (
        CourseVersionStatus.RETIRED,
        CourseVersionStatus.PUBLISHED,
        2,
    )


def test_certificates_get_consecutive_serials():
    first = factories.CertificateFactory()
    second = factories.CertificateFactory(completion__completed_on=first.completed_on)
    assert (first.year, second.number) == (first.year, first.number + 1)
