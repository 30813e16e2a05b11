"""A learner's own certificates (/certificates/mine/), and the links to them (issue 13)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from certificates import services
from certificates.models import CourseCertificateSetting
from tests.factories import UserFactory

from .conftest import assignment_for, person, quiz_completion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def holder_user(holder):
    holder.user = UserFactory(email=holder.email)
    holder.save()
    return holder.user


def test_my_certificates_lists_serial_course_date_and_the_pdf(client, holder, holder_user, completion, tree, version):
    certificate = services.certificate_issue_for_completion(completion_id=completion.pk)
    # Someone else's certificate is not listed.
    other = person(tree["vp"], name="Trần Văn Khác")
    services.certificate_issue_for_completion(completion_id=quiz_completion(staff=other, version=version).pk)
    client.force_login(holder_user)

    html = client.get(reverse("certificates:mine")).content.decode()

    assert certificate.serial in html and certificate.course_title in html
    assert certificate.issued_on.strftime("%d/%m/%Y") in html
    download = reverse("certificates:download", args=[certificate.code])
    assert f'href="{download}"' in html
    assert html.count('type="application/pdf"') == 1
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_my_certificates_without_any(client, learner):
    client.force_login(learner)
    html = client.get(reverse("certificates:mine")).content.decode()
    assert "You have no certificate yet" in html


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("certificates:mine"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_my_courses_links_the_certificate_and_my_certificates(client, holder, holder_user, completion, tree):
    assignment_for(course=completion.course, unit=tree["vp_team"], staff=[holder])
    certificate = services.certificate_issue_for_completion(completion_id=completion.pk)
    client.force_login(holder_user)

    html = client.get(reverse("courses:my_courses")).content.decode()
    assert f'href="{reverse("certificates:download", args=[certificate.code])}"' in html
    assert f'href="{reverse("certificates:mine")}"' in html
    course_page = client.get(reverse("courses:course", args=[completion.course.slug])).content.decode()
    assert f'href="{reverse("certificates:mine")}"' in course_page


@pytest.mark.parametrize(
    ("on_completion", "issued", "expected"),
    [
        (True, True, "Download the certificate (PDF)"),
        (True, False, "Your certificate is being prepared"),
        (False, False, "The Office issues the certificates of this course together"),
    ],
)
def test_the_result_page_says_where_the_certificate_is(
    client, holder, holder_user, completion, tree, on_completion, issued, expected
):
    assignment_for(course=completion.course, unit=tree["vp_team"], staff=[holder])
    CourseCertificateSetting.objects.create(course=completion.course, issue_on_completion=on_completion)
    if issued:
        services.certificate_issue_for_completion(completion_id=completion.pk)
    client.force_login(holder_user)

    html = client.get(reverse("quizzes:result", args=[completion.attempt_id])).content.decode()
    assert expected in html
    assert f'href="{reverse("certificates:mine")}"' in html
    assert completion.completed_on == dt.date(2026, 6, 5)
