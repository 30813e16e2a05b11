"""Learner quiz pages: start, the attempt (autosave with htmx, a plain form without JS), result, review.

Every attempt URL goes through `access_attempt`, which 404s for anyone but the attempt's
own person. Nothing on these pages carries the answer key before the attempt is closed:
the templates get `selectors.ItemView`s, which do not have it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import require_office
from courses.models import CourseVersion, CourseVersionStatus
from courses.services.grants import attempt_grant
from orgchart.models import Staff
from quizzes import selectors, services
from quizzes.forms import AttemptGrantForm, answer_field_name, parse_choices
from quizzes.models import Attempt, AttemptStatus
from quizzes.rules import attempt_is_past_grace


def _result_url(attempt: Attempt) -> str:
    return reverse("quizzes:result", args=[attempt.pk])


def _access_attempt_now(request: HttpRequest, attempt_id: int) -> Attempt:
    """The person's own attempt (else 404), closed first if its time ran out while nobody was looking."""
    attempt = selectors.access_attempt(user=request.user, attempt_id=attempt_id)
    if attempt.status == AttemptStatus.IN_PROGRESS and attempt_is_past_grace(attempt=attempt):
        return services.attempt_close_expired(attempt_id=attempt.pk)
    return attempt


@login_required
@require_http_methods(["GET", "HEAD"])
def quiz_start(request: HttpRequest, version_id: int) -> HttpResponse:
    access = selectors.access_quiz_version(user=request.user, version_id=version_id)
    status = selectors.quiz_status(staff=access.staff_id, version=access.version)
    return render(request, "quizzes/start.html", {"version": access.version, "status": status})


@login_required
@require_POST
def attempt_begin(request: HttpRequest, version_id: int) -> HttpResponse:
    access = selectors.access_quiz_version(user=request.user, version_id=version_id)
    version = access.version
    try:
        attempt = services.attempt_start(staff=request.user.staff, version=version)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("quizzes:start", version_id=version.pk)
    return redirect("quizzes:attempt", attempt_id=attempt.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def attempt_page(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """All questions on one page. POST is the no-JS path: save the answers given, and submit if asked."""
    attempt = _access_attempt_now(request, attempt_id)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return redirect(_result_url(attempt))
    errors: dict[int, str] = {}
    if request.method == "POST":
        # The saved answers only, to compare with the posted ones; the texts are read for the page below.
        items = selectors.attempt_item_answers(attempt=attempt)
        try:
            errors = _save_posted_answers(request, attempt=attempt, items=items)
        except services.AttemptClosed:
            return redirect(_result_url(attempt))
        if not errors:
            action = request.POST.get("action")
            if action == "submit":  # the countdown's own submit when the time is up: no summary to read
                services.attempt_submit(attempt_id=attempt.pk, staff=attempt.staff)
                return redirect(_result_url(attempt))
            if action == "review":  # the learner's "Submit…": the summary and the confirmation first
                return redirect("quizzes:submit", attempt_id=attempt.pk)
            messages.success(request, _("Your answers are saved."))
            return redirect("quizzes:attempt", attempt_id=attempt.pk)
    items = selectors.attempt_item_views(attempt=attempt)
    # Each question's autosave URL, reversed once for the page: the item's id is its last segment.
    answer_url = reverse("quizzes:answer", args=[attempt.pk, 0]).removesuffix("0/")
    remaining = max(0, int((attempt.deadline_at - timezone.now()).total_seconds()))
    context = {
        "attempt": attempt,
        "version": attempt.version,
        "items": items,
        "questions": [(item, errors.get(item.item_id, ""), f"{answer_url}{item.item_id}/") for item in items],
        "remaining_seconds": remaining,
        "remaining_minutes": (remaining + 59) // 60,
        "answered_count": sum(item.answered for item in items),
    }
    return render(request, "quizzes/attempt.html", context, status=400 if errors else 200)


def _save_posted_answers(request: HttpRequest, *, attempt: Attempt, items: list[selectors.ItemView]) -> dict[int, str]:
    """Save every question whose posted answer differs from the stored one; problems by item id."""
    errors: dict[int, str] = {}
    for item in items:
        name = answer_field_name(item.item_id)
        if name not in request.POST and not item.multiple:
            continue
        try:
            choices = parse_choices(request.POST.getlist(name))
            stored = [choice.number for choice in item.choices if choice.selected]
            if choices == stored:
                continue
            services.attempt_answer_save_choices(attempt=attempt, item_id=item.item_id, choices=choices)
        except services.AttemptClosed:
            raise
        except ValidationError as error:
            errors[item.item_id] = " ".join(error.messages)
    return errors


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def attempt_submit_confirm(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Before handing in: the questions not answered, the time left, and a second step that submits (POST)."""
    attempt = _access_attempt_now(request, attempt_id)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return redirect(_result_url(attempt))
    if request.method == "POST":
        services.attempt_submit(attempt_id=attempt.pk, staff=attempt.staff)
        return redirect(_result_url(attempt))
    items = selectors.attempt_item_views(attempt=attempt)
    remaining = max(0, int((attempt.deadline_at - timezone.now()).total_seconds()))
    context = {
        "attempt": attempt,
        "version": attempt.version,
        "total": len(items),
        "unanswered": [item for item in items if not item.answered],
        "remaining_minutes": (remaining + 59) // 60,
    }
    return render(request, "quizzes/submit.html", context)


@login_required
@require_POST
def answer_save(request: HttpRequest, attempt_id: int, item_id: int) -> HttpResponse:
    """The autosave endpoint (htmx): saves one question and answers with a tiny status partial."""
    attempt = selectors.access_attempt(user=request.user, attempt_id=attempt_id)
    error = ""
    saved_at = None
    try:
        choices = parse_choices(request.POST.getlist(answer_field_name(item_id)))
        item = services.attempt_answer_save_choices(attempt=attempt, item_id=item_id, choices=choices)
        saved_at = item.answered_at
    except services.AttemptClosed:
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = _result_url(attempt)
            return response
        return redirect(_result_url(attempt))
    except ValidationError as error_:
        error = " ".join(error_.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("quizzes:attempt", attempt_id=attempt.pk)
    return render(
        request,
        "quizzes/_save_status.html",
        {"item_id": item_id, "error": error, "saved": not error, "saved_at": saved_at},
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def attempt_result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _access_attempt_now(request, attempt_id)
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return redirect("quizzes:attempt", attempt_id=attempt.pk)
    version = attempt.version
    completion = selectors.attempt_completion(attempt=attempt)
    unread = 0
    if attempt.passed and completion is None and version.requires_all_lessons:
        unread = selectors.lesson_count_unread(staff=attempt.staff, version=version)
    status = selectors.quiz_status(staff=attempt.staff, version=version)
    context = {
        "attempt": attempt,
        "version": version,
        "completion": completion,
        "unread": unread,
        "status": status,
        "review_scope": selectors.review_scope(version=version),
        "review_refusal": selectors.review_refusal(version=version, status=status),
        "certificate": (
            selectors.certificate_state(staff_id=attempt.staff_id, course_id=version.course_id) if completion else None
        ),
    }
    return render(request, "quizzes/result.html", context)


@login_required
@require_http_methods(["GET", "HEAD"])
def attempt_review(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _access_attempt_now(request, attempt_id)
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return redirect("quizzes:attempt", attempt_id=attempt.pk)
    refusal = selectors.review_refusal_for_attempt(attempt=attempt)
    if refusal:
        # Refused before the key is read: nothing of it reaches the page.
        context = {"attempt": attempt, "version": attempt.version, "refusal": refusal}
        return render(request, "quizzes/review.html", context, status=403)
    # The selector leaves out whatever the version's review policy hides; the template shows the rest.
    review = selectors.attempt_review(attempt=attempt)
    context = {
        "attempt": attempt,
        "version": attempt.version,
        "review": review,
        "scope": selectors.review_scope(version=attempt.version),
    }
    return render(request, "quizzes/review.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def attempt_grant_page(request: HttpRequest, staff_id: int, course_slug: str) -> HttpResponse:
    """The Office grants a person extra attempts at a course's quiz, with a reason (404 to anyone else)."""
    require_office(request.user)
    staff = get_object_or_404(Staff, pk=staff_id)
    version = get_object_or_404(
        CourseVersion.objects.select_related("course"), course__slug=course_slug, status=CourseVersionStatus.PUBLISHED
    )
    course = version.course
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    form = AttemptGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = attempt_grant(
                staff=staff,
                course=course,
                extra_attempts=form.cleaned_data["extra_attempts"],
                reason=form.cleaned_data["reason"],
                granted_by=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(name)s may now take %(count)d more attempt at this quiz.",
                    "%(name)s may now take %(count)d more attempts at this quiz.",
                    grant.extra_attempts,
                )
                % {"name": staff.full_name, "count": grant.extra_attempts},
            )
            return redirect(back or request.path)
    status = selectors.quiz_status(staff=staff, version=version)
    context = {"staff": staff, "course": course, "version": version, "status": status, "form": form, "next": back}
    return render(request, "quizzes/grant.html", context, status=400 if form.errors else 200)
