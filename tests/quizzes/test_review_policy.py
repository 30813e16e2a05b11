"""The review after a quiz shows only what the version's `review_policy` allows, decided on the server.

Whatever a policy hides is absent from the HTML, not hidden by CSS. Before closing, nothing of
the key leaks whatever the policy (the general checks are in test_views.py).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from courses.models import CourseVersion, ReviewPolicy
from quizzes.models import Option
from quizzes.selectors import attempt_review, review_scope
from quizzes.services import attempt_start

from .conftest import answer_all, enrol, explanation_text, make_version

pytestmark = pytest.mark.django_db

# (right/wrong marks with the questions, correct options, explanations)
SHOWN = {
    ReviewPolicy.NONE: (False, False, False),
    ReviewPolicy.SCORE: (True, False, False),
    ReviewPolicy.ANSWERS: (True, True, False),
    ReviewPolicy.EXPLANATIONS: (True, True, True),
}


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _closed_attempt(learner_client, staff, *, policy: str | None):
    version = make_version(questions=3)
    if policy is not None:
        CourseVersion.objects.filter(pk=version.pk).update(review_policy=policy)
        version.refresh_from_db()
    enrol(staff=staff, course=version.course)
    attempt = attempt_start(staff=staff, version=version)
    answer_all(attempt, right=1)  # the first right, the other two wrong
    learner_client.post(reverse("quizzes:attempt", args=[attempt.pk]), {"action": "submit"})
    return version, attempt


def _shown(html: str, version) -> tuple[bool, bool, bool]:
    marks = "review-verdict" in html or re.search(r">\s*(Right|Wrong)\s*<", html) is not None
    correct_texts = set(
        Option.objects.filter(question__version=version, is_correct=True).values_list("text", flat=True)
    )
    answers = 'class="correct"' in html or re.search(r">\s*correct answer\s*<", html) is not None
    explanations = any(explanation_text(version.course.slug, position) in html for position in (1, 2, 3))
    assert correct_texts  # the fixture has a key to leak
    return marks, answers, explanations


@pytest.mark.parametrize("policy", list(SHOWN))
def test_the_review_shows_exactly_what_the_policy_allows(learner_client, staff, policy):
    version, attempt = _closed_attempt(learner_client, staff, policy=policy)

    response = learner_client.get(reverse("quizzes:review", args=[attempt.pk]))

    assert response.status_code == 200
    html = response.text
    attempt.refresh_from_db()
    assert attempt.question_count == 3
    assert f"Attempt 1: {attempt.correct_count} of 3 answers right." in html  # the score, always
    assert _shown(html, version) == SHOWN[policy]
    questions_shown = "Câu hỏi số 1" in html
    assert questions_shown == SHOWN[policy][0]
    if SHOWN[policy][0]:
        assert re.search(r">\s*Wrong\s*<", html)  # at least two of the three were answered wrongly
        assert bool(re.search(r">\s*Right\s*<", html)) == (attempt.correct_count > 0)


@pytest.mark.parametrize("policy", list(SHOWN))
def test_the_selector_does_not_carry_what_the_policy_hides(learner_client, staff, policy):
    _version, attempt = _closed_attempt(learner_client, staff, policy=policy)
    attempt.refresh_from_db()

    review = attempt_review(attempt=attempt)

    marks, answers, explanations = SHOWN[policy]
    assert bool(review) == marks
    assert any(choice.correct for item in review for choice in item.choices) == answers
    assert any(item.explanation for item in review) == explanations


@pytest.mark.parametrize("policy", list(SHOWN))
def test_the_result_page_links_to_the_review_unless_there_is_none(learner_client, staff, policy):
    _version, attempt = _closed_attempt(learner_client, staff, policy=policy)

    html = learner_client.get(reverse("quizzes:result", args=[attempt.pk])).text

    attempt.refresh_from_db()
    assert f"{attempt.correct_count} of 3 answers right" in html
    assert (reverse("quizzes:review", args=[attempt.pk]) in html) == (policy != ReviewPolicy.NONE)


def test_without_a_setting_the_review_shows_everything_as_before(learner_client, staff):
    version, attempt = _closed_attempt(learner_client, staff, policy=None)

    html = learner_client.get(reverse("quizzes:review", args=[attempt.pk])).text

    assert version.review_policy == ReviewPolicy.EXPLANATIONS
    assert _shown(html, version) == (True, True, True)
    assert (
        reverse("quizzes:review", args=[attempt.pk])
        in learner_client.get(reverse("quizzes:result", args=[attempt.pk])).text
    )


@pytest.mark.parametrize("policy", list(SHOWN))
def test_before_closing_the_review_shows_nothing_whatever_the_policy(learner_client, staff, policy):
    version = make_version(questions=3)
    CourseVersion.objects.filter(pk=version.pk).update(review_policy=policy)
    enrol(staff=staff, course=version.course)
    attempt = attempt_start(staff=staff, version=version)

    response = learner_client.get(reverse("quizzes:review", args=[attempt.pk]), follow=True)

    assert response.redirect_chain[0][0] == reverse("quizzes:attempt", args=[attempt.pk])
    assert _shown(response.text, version)[1:] == (False, False)


def test_each_policy_adds_to_the_previous_one():
    scopes = [review_scope(version=CourseVersion(review_policy=policy)) for policy in SHOWN]
    assert [(s.questions, s.answers, s.explanations) for s in scopes] == list(SHOWN.values())
