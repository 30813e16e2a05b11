"""Learner pages: my courses, a course, its lessons."""

import posixpath

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.files import stored_file_response
from courses.selectors import learning
from courses.services.progress import lesson_open
from orgchart.roles import staff_id_for_user


@login_required
@require_GET
def my_courses(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = learning.enrolment_list_for_user(user=request.user, on_date=today)
    # Whether the account is linked to someone on the roster matters only when there is nothing to list.
    has_staff = bool(rows) or staff_id_for_user(user=request.user) is not None
    context = {"rows": rows, "has_staff": has_staff, "today": today}
    return render(request, "courses/my_courses.html", context)


@login_required
@require_GET
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    access = learning.access_course(user=request.user, slug=slug)
    page = learning.course_page_get(access=access)
    return render(request, "courses/course_detail.html", {"page": page, "version": access.version})


@login_required
@require_GET
def lesson_detail(request: HttpRequest, slug: str, position: int) -> HttpResponse:
    access = learning.access_course(user=request.user, slug=slug)
    page = learning.lesson_page_get(access=access, position=position)
    # Opening the page is reading it: a GET that writes, but only its first time counts. A lesson read
    # before needs nothing more, unless the person passed the quiz and the completion is not recorded
    # yet (a quiz graded at the same moment as their last lesson was opened): then the check runs again.
    if access.records_progress and (not page.is_read or page.completion_pending):
        lesson_open(staff=request.user.staff, lesson=page.lesson, check_completion=page.completion_pending)
    return render(request, "courses/lesson_detail.html", {"page": page, "version": access.version})


@login_required
@require_GET
def lesson_file(request: HttpRequest, slug: str, position: int, kind: str) -> HttpResponse:
    """A lesson's PDF attachment or video, for whoever may open the lesson (the one download view for lesson files)."""
    access = learning.access_course(user=request.user, slug=slug)
    lesson = learning.lesson_files_get(access=access, position=position)
    field_file = {"attachment": lesson.attachment, "video": lesson.video_file}.get(kind)
    if not field_file:
        raise Http404
    # A video plays in the page; the attachment is downloaded under its uploaded name.
    return stored_file_response(
        field_file, filename=posixpath.basename(field_file.name), as_attachment=kind == "attachment"
    )
