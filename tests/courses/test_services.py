"""Version lifecycle: drafts copy, publishing retires, published versions never change; lesson files."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import translation

import courses.sanitize
from courses.models import Course, CourseVersion, CourseVersionStatus, Lesson
from courses.selectors import course_version_content_hash, course_version_get_current
from courses.services import (
    course_create,
    course_version_create_draft_from,
    course_version_delete_draft,
    course_version_publish,
    course_version_save_draft,
    lesson_delete,
    lesson_save,
)
from quizzes.models import Option, Question, QuestionKind
from quizzes.services.course_import import course_import
from quizzes.services.questions import option_save, question_delete, question_save

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64


@pytest.fixture(autouse=True)
def english():
    """These tests read the services' English source messages; with no language
    activated Django would use the default, Vietnamese (tests/core/test_i18n.py)."""
    with translation.override("en"):
        yield


@pytest.fixture
def published(course_data):
    course_import(data=course_data)
    return CourseVersion.objects.get()


@pytest.fixture
def draft(published):
    return course_version_create_draft_from(version=published)


def _new_lesson(version, **fields):
    return Lesson(version=version, title="Bài mới", body_html="<p>Nội dung</p>", **fields)


# --- drafts and publishing ------------------------------------------------------------------------


def test_selector_returns_none_before_the_first_publish(db):
    course = course_create(slug="chua-co")
    assert course_version_get_current(course=course) is None


def test_create_draft_from_copies_everything(published):
    draft = course_version_create_draft_from(version=published)

    assert (draft.number, draft.status, draft.published_at) == (2, CourseVersionStatus.DRAFT, None)
    assert course_version_content_hash(version=draft) == course_version_content_hash(version=published)
    assert draft.lessons.count() == published.lessons.count()
    assert (
        Option.objects.filter(question__version=draft).count()
        == Option.objects.filter(question__version=published).count()
    )
    # The copy is its own rows: the published version's rows are untouched by edits to the draft.
    assert not set(draft.lessons.values_list("pk", flat=True)) & set(published.lessons.values_list("pk", flat=True))


def test_only_one_draft_at_a_time(draft, published):
    with pytest.raises(ValidationError) as excinfo:
        course_version_create_draft_from(version=published)
    assert excinfo.value.code == "draft_exists"


def test_publishing_a_draft_retires_the_previous_version(draft, published):
    lesson = draft.lessons.get(position=1)
    lesson.title = "Mật khẩu mạnh (cập nhật)"
    lesson_save(lesson=lesson)

    course_version_publish(version=draft)

    published.refresh_from_db()
    draft.refresh_from_db()
    assert published.status == CourseVersionStatus.RETIRED
    assert published.lessons.get(position=1).title == "Mật khẩu mạnh"
    assert draft.status == CourseVersionStatus.PUBLISHED and draft.published_at is not None
    assert course_version_get_current(course=draft.course) == draft


def test_a_published_version_cannot_be_published_again(published):
    with pytest.raises(ValidationError) as excinfo:
        course_version_publish(version=published)
    assert excinfo.value.code == "version_not_editable"


def test_publishing_refuses_an_incomplete_draft(db):
    course = course_create(slug="thieu")
    draft = course_version_save_draft(
        version=CourseVersion(course=course, title="Thiếu", estimated_minutes=10, questions_per_attempt=2)
    )
    question = question_save(question=Question(version=draft, text="Câu?", kind=QuestionKind.SINGLE))
    option_save(option=Option(question=question, text="A", is_correct=True))
    option_save(option=Option(question=question, text="B", is_correct=True))

    with pytest.raises(ValidationError) as excinfo:
        course_version_publish(version=draft)

    assert excinfo.value.messages == [
        "A course version needs at least one lesson.",
        "Each attempt draws 2 questions but the bank holds only 1.",
        "Question 1 is single choice: exactly one option must be correct.",
    ]
    draft.refresh_from_db()
    assert draft.status == CourseVersionStatus.DRAFT


def test_a_new_draft_is_numbered_after_every_version(published):
    version = course_version_save_draft(
        version=CourseVersion(course=published.course, title="Mới", estimated_minutes=5)
    )
    assert (version.number, version.status) == (2, CourseVersionStatus.DRAFT)


# --- published versions never change ----------------------------------------------------------------


def test_published_version_settings_cannot_be_edited(published):
    published.title = "Sửa trộm"
    with pytest.raises(ValidationError) as excinfo:
        course_version_save_draft(version=published)
    assert excinfo.value.code == "version_not_editable"
    assert CourseVersion.objects.get().title == "An toàn thông tin cơ bản"


@pytest.mark.parametrize(
    "action",
    ["lesson_save", "lesson_delete", "lesson_add", "question_save", "question_delete", "option_save", "version_delete"],
)
def test_published_content_cannot_be_edited(published, action):
    lesson = published.lessons.get(position=1)
    question = published.questions.get(position=1)
    before = course_version_content_hash(version=published)
    with pytest.raises(ValidationError) as excinfo:
        if action == "lesson_save":
            lesson.title = "Sửa"
            lesson_save(lesson=lesson)
        elif action == "lesson_delete":
            lesson_delete(lesson=lesson)
        elif action == "lesson_add":
            lesson_save(lesson=_new_lesson(published))
        elif action == "question_save":
            question.text = "Sửa?"
            question_save(question=question)
        elif action == "question_delete":
            question_delete(question=question)
        elif action == "option_save":
            option = question.options.first()
            option.is_correct = not option.is_correct
            option_save(option=option)
        else:
            course_version_delete_draft(version=published)
    assert excinfo.value.code == "version_not_editable"
    assert course_version_content_hash(version=published) == before


def test_a_lesson_cannot_be_moved_out_of_a_published_version(published, draft):
    lesson = published.lessons.get(position=1)
    lesson.version = draft
    with pytest.raises(ValidationError) as excinfo:
        lesson_save(lesson=lesson)
    assert excinfo.value.code == "item_moved"


def test_the_database_allows_one_published_version_per_course(published):
    duplicate = CourseVersion(
        course=published.course, number=9, title="x", estimated_minutes=1, status=CourseVersionStatus.PUBLISHED
    )
    duplicate.published_at = published.published_at
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_the_database_refuses_a_published_version_without_a_date(db):
    course = Course.objects.create(slug="khong-ngay")
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseVersion.objects.create(
            course=course, number=1, title="x", estimated_minutes=1, status=CourseVersionStatus.PUBLISHED
        )


# --- lessons of a draft: HTML, attachments, videos ------------------------------------------------------


def test_lesson_save_sanitises_and_normalises(draft):
    lesson = lesson_save(
        lesson=Lesson(version=draft, title="  Bài   mới ", body_html=' <p onmouseover="x()">Chữ<script>1</script></p> ')
    )
    lesson.refresh_from_db()
    assert (lesson.title, lesson.body_html, lesson.position) == ("Bài mới", "<p>Chữ</p>", 3)


def test_a_pdf_attachment_is_accepted(draft, media_root):
    lesson = lesson_save(lesson=_new_lesson(draft, attachment=SimpleUploadedFile("tai-lieu.pdf", PDF)))
    lesson.refresh_from_db()
    assert lesson.attachment.name.endswith(".pdf")
    with lesson.attachment.open("rb") as stored:
        assert stored.read() == PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param("tai-lieu.pdf", b"MZ\x90\x00 not a pdf", "The attachment is not a PDF file.", id="renamed-exe"),
        pytest.param("tai-lieu.pdf", b"<html>%PDF-</html>", "The attachment is not a PDF file.", id="magic-not-first"),
        pytest.param("tai-lieu.docx", PDF, "File extension “docx” is not allowed.", id="wrong-extension"),
    ],
)
def test_attachments_that_are_not_pdf_are_refused(draft, media_root, name, content, message):
    with pytest.raises(ValidationError) as excinfo:
        lesson_save(lesson=_new_lesson(draft, attachment=SimpleUploadedFile(name, content)))
    assert any(text.startswith(message) for text in excinfo.value.message_dict["attachment"])
    assert not draft.lessons.filter(title="Bài mới").exists()


def test_an_oversized_attachment_is_refused(draft, media_root, monkeypatch):
    monkeypatch.setattr(courses.sanitize, "ATTACHMENT_MAX_BYTES", 100)
    with pytest.raises(ValidationError) as excinfo:
        lesson_save(lesson=_new_lesson(draft, attachment=SimpleUploadedFile("lon.pdf", PDF + b"0" * 200)))
    [message] = excinfo.value.message_dict["attachment"]
    assert message.startswith("The attachment is 250") and "the limit is 100" in message


def test_a_video_file_is_checked_by_content(draft, media_root):
    lesson_save(lesson=_new_lesson(draft, video_file=SimpleUploadedFile("bai.mp4", MP4)))
    with pytest.raises(ValidationError) as excinfo:
        lesson_save(lesson=_new_lesson(draft, video_file=SimpleUploadedFile("gia.mp4", b"not a video at all")))
    assert excinfo.value.message_dict["video_file"] == ["The video must be an MP4 or WebM file."]


@pytest.mark.parametrize("url", ["http://video.example/bai1", "javascript:alert(1)", "ftp://video.example/x"])
def test_a_video_link_must_be_https(draft, url):
    with pytest.raises(ValidationError) as excinfo:
        lesson_save(lesson=_new_lesson(draft, video_url=url))
    assert "video_url" in excinfo.value.message_dict


def test_a_lesson_has_one_video_source_at_most(draft, media_root):
    with pytest.raises(ValidationError):
        lesson_save(
            lesson=_new_lesson(
                draft, video_url="https://video.example/bai1", video_file=SimpleUploadedFile("bai.mp4", MP4)
            )
        )
    assert lesson_save(lesson=_new_lesson(draft, video_url="https://video.example/bai1")).pk


def test_attachments_are_shared_by_the_next_draft(draft, media_root):
    lesson = lesson_save(lesson=_new_lesson(draft, attachment=SimpleUploadedFile("tai-lieu.pdf", PDF)))
    course_version_publish(version=draft)

    next_draft = course_version_create_draft_from(version=draft)

    assert next_draft.lessons.get(position=lesson.position).attachment.name == lesson.attachment.name
