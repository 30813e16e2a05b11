"""course_import: the course file contract, versions, and one Vietnamese message per problem."""

import json
import unicodedata

import pytest

from core.importing import ImportRefused as SharedImportRefused
from courses.models import Course, CourseVersion, CourseVersionStatus, Lesson
from courses.selectors import course_version_get_current
from courses.services import course_version_create_draft_from
from quizzes.models import Option, Question, QuestionKind
from quizzes.services.course_import import ImportRefused, course_import

pytestmark = pytest.mark.django_db


def _row_counts():
    return tuple(model.objects.count() for model in (Course, CourseVersion, Lesson, Question, Option))


def _messages(excinfo):
    return [str(problem) for problem in excinfo.value.problems]


# --- the real course ---------------------------------------------------------------------------


def test_the_real_nq57_course_imports(nq57_bytes):
    summary = course_import(data=nq57_bytes)

    version = course_version_get_current(course=Course.objects.get(slug="nq57"))
    assert summary.message == (
        f'Đã nhập và xuất bản khóa học "nq57", phiên bản 1: 4 bài học, {summary.question_count} câu hỏi.'
    )
    assert (version.number, version.status) == (1, CourseVersionStatus.PUBLISHED)
    assert version.published_at is not None
    assert (version.pass_percent, version.questions_per_attempt, version.max_attempts, version.time_limit_minutes) == (
        80,
        10,
        3,
        20,
    )
    assert version.lessons.count() == 4
    assert version.questions.count() >= 14
    kinds = set(version.questions.values_list("kind", flat=True))
    assert kinds == {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE}
    assert list(version.lessons.values_list("estimated_minutes", flat=True)) == [20, 20, 20, 15]
    for lesson in version.lessons.all():
        assert lesson.body_html.startswith("<p>")
        assert "<script" not in lesson.body_html


def test_the_real_course_is_already_clean_and_normalised(nq57_data):
    """Sanitising must not change the shipped file: what authors wrote is what learners see."""
    course_import(data=nq57_data)
    lessons = Lesson.objects.order_by("position")
    for lesson, source in zip(lessons, nq57_data["lessons"], strict=True):
        assert lesson.body_html == source["body_html"]
        assert unicodedata.is_normalized("NFC", lesson.body_html)


# --- versions ------------------------------------------------------------------------------------


def test_same_content_again_creates_no_version(course_data):
    course_import(data=course_data)
    before = _row_counts()

    summary = course_import(data=json.dumps(course_data).encode())

    assert not summary.created
    assert summary.version_number == 1
    assert "không thay đổi" in summary.message
    assert _row_counts() == before


def test_changed_content_publishes_version_2_and_retires_version_1(course_data):
    course_import(data=course_data)
    first = CourseVersion.objects.get()
    first_published_at = first.published_at
    course_data["lessons"][1]["body_html"] = "<p>Nội dung mới.</p>"
    course_data["quiz"]["questions"][0]["options"][0]["text"] = "abc123"

    summary = course_import(data=course_data)

    assert summary.created and summary.version_number == 2
    assert summary.message == 'Đã nhập và xuất bản khóa học "an-toan-thong-tin", phiên bản 2: 2 bài học, 3 câu hỏi.'
    first.refresh_from_db()
    assert first.status == CourseVersionStatus.RETIRED
    assert first.published_at == first_published_at
    assert list(first.lessons.values_list("title", "body_html")) == [
        ("Mật khẩu mạnh", "<p>Dùng mật khẩu dài, không dùng lại.</p>"),
        ("Thư lừa đảo", "<p>Không bấm vào đường dẫn lạ.</p><p>Hỏi lại người gửi.</p>"),
    ]
    assert Option.objects.filter(question__version=first, text="123456").exists()
    current = course_version_get_current(course=first.course)
    assert current.number == 2
    assert current.lessons.get(position=2).body_html == "<p>Nội dung mới.</p>"
    assert CourseVersion.objects.filter(status=CourseVersionStatus.PUBLISHED).count() == 1


def test_a_changed_setting_alone_is_a_new_version(course_data):
    course_import(data=course_data)
    course_data["quiz"]["time_limit_minutes"] = 15
    assert course_import(data=course_data).version_number == 2


def test_requires_all_lessons_is_kept_from_the_current_version_when_the_file_omits_it(course_data):
    course_import(data={**course_data, "requires_all_lessons": True})

    summary = course_import(data=course_data)

    assert not summary.created
    assert course_version_get_current(course=Course.objects.get()).requires_all_lessons is True


def test_lesson_minutes_are_taken_from_the_file_or_shared_out(course_data):
    course_import(data=course_data)
    shared = list(Lesson.objects.order_by("position").values_list("estimated_minutes", flat=True))
    assert all(minutes >= 1 for minutes in shared)
    assert abs(sum(shared) - 30) <= 1

    course_data["lessons"][0]["estimated_minutes"] = 7
    course_import(data=course_data)
    assert Lesson.objects.get(version__number=2, position=1).estimated_minutes == 7


def test_texts_are_stored_nfc_and_trimmed(course_data):
    course_data["title"] = "  " + unicodedata.normalize("NFD", "Khóa học Hòa giải") + "  "
    course_data["quiz"]["questions"][0]["options"][0]["text"] = unicodedata.normalize("NFD", " Mười hai ")

    course_import(data=course_data)

    version = CourseVersion.objects.get()
    assert version.title == "Khóa học Hòa giải"
    assert Option.objects.filter(text="Mười hai").exists()


def test_explanations_are_imported(course_data):
    course_data["quiz"]["questions"][0]["explanation"] = "Câu dài thì khó đoán."
    course_import(data=course_data)
    assert Question.objects.get(position=1).explanation == "Câu dài thì khó đoán."


def test_lesson_html_is_sanitised_on_import(course_data):
    course_data["lessons"][0]["body_html"] = (
        '<p onclick="steal()">Chữ <script>alert(1)</script><a href="javascript:alert(1)">x</a></p>'
    )
    course_import(data=course_data)
    assert Lesson.objects.get(position=1).body_html == '<p>Chữ <a rel="noopener">x</a></p>'


def test_dry_run_writes_nothing(course_data):
    summary = course_import(data=course_data, dry_run=True)

    assert summary.dry_run and summary.version_number == 1
    assert summary.message.startswith("Kiểm tra xong, chưa ghi gì")
    assert _row_counts() == (0, 0, 0, 0, 0)


def test_dry_run_of_a_change_leaves_the_current_version(course_data):
    course_import(data=course_data)
    before = _row_counts()
    course_data["title"] = "Tên mới"

    summary = course_import(data=course_data, dry_run=True)

    assert summary.version_number == 2
    assert _row_counts() == before
    assert CourseVersion.objects.get().status == CourseVersionStatus.PUBLISHED


def test_a_pending_draft_refuses_the_import(course_data):
    course_import(data=course_data)
    course_version_create_draft_from(version=CourseVersion.objects.get())
    before = _row_counts()
    course_data["title"] = "Tên mới"

    with pytest.raises(ImportRefused) as excinfo:
        course_import(data=course_data)

    assert "đang có bản nháp phiên bản 2" in _messages(excinfo)[0]
    assert _row_counts() == before


def test_the_refusal_is_the_shared_import_error():
    assert ImportRefused is SharedImportRefused


# --- refusals: one per kind, each with nothing written ---------------------------------------------


def _set(path, value):
    def mutate(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return data

    return mutate


def _delete(path):
    def mutate(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
        return data

    return mutate


REFUSALS = [
    pytest.param(
        lambda d: b'{"slug": "x",\n "title": "y",}',
        "Dòng 2: Tệp không phải JSON hợp lệ (cột 15): tên trường phải đặt trong dấu nháy kép",
        id="bad-json-trailing-comma",
    ),
    pytest.param(
        lambda d: b'{"slug": "x"\n "title": "y"}',
        "Dòng 2: Tệp không phải JSON hợp lệ (cột 2): thiếu dấu phẩy giữa hai phần tử",
        id="bad-json-missing-comma",
    ),
    pytest.param(
        lambda d: b'{"slug": "C:\\tai-lieu\\q"}',
        "Dòng 1: Tệp không phải JSON hợp lệ (cột 22): dấu gạch chéo ngược \\ không hợp lệ",
        id="bad-json-backslash",
    ),
    pytest.param(lambda d: b'{"slug": "\xe0 b"}', "Dòng 1: Tệp không dùng bảng mã UTF-8", id="not-utf8"),
    pytest.param(lambda d: b"   ", "Tệp rỗng, không có dữ liệu.", id="empty-file"),
    pytest.param(lambda d: b"[1, 2]", "Tệp phải chứa một đối tượng JSON {…} mô tả khóa học.", id="not-an-object"),
    pytest.param(_delete(["title"]), "title: thiếu trường bắt buộc", id="missing-title"),
    pytest.param(_delete(["quiz"]), "quiz: thiếu trường bắt buộc", id="missing-quiz"),
    pytest.param(
        _delete(["quiz", "questions", 0, "kind"]), "quiz.questions[0].kind: thiếu trường bắt buộc", id="missing-kind"
    ),
    pytest.param(_set(["title"], "   "), "title: không được để trống", id="blank-title"),
    pytest.param(_set(["title"], 57), "title: phải là chuỗi văn bản", id="title-not-text"),
    pytest.param(
        _set(["estimated_minutes"], "30"), "estimated_minutes: phải là số nguyên từ 1 đến 32767", id="minutes-text"
    ),
    pytest.param(
        _set(["quiz", "max_attempts"], True), "quiz.max_attempts: phải là số nguyên từ 1 đến 32767", id="bool-as-int"
    ),
    pytest.param(_set(["lessons"], {"title": "x"}), "lessons: phải là một danh sách […]", id="lessons-not-list"),
    pytest.param(_set(["quiz"], []), "quiz: phải là một đối tượng JSON {…}", id="quiz-not-object"),
    pytest.param(
        _set(["quiz", "questions", 0, "options", 1, "correct"], "có"),
        "quiz.questions[0].options[1].correct: phải là true hoặc false",
        id="correct-not-bool",
    ),
    pytest.param(_set(["titel"], "x"), "titel: trường không được hỗ trợ", id="unknown-key"),
    pytest.param(_set(["slug"], "NQ 57"), 'slug: "NQ 57" không hợp lệ', id="slug-pattern"),
    pytest.param(_set(["slug"], "nq57-"), 'slug: "nq57-" không hợp lệ', id="slug-trailing-dash"),
    pytest.param(_set(["lessons"], []), "lessons: khóa học phải có ít nhất 1 bài học", id="no-lessons"),
    pytest.param(
        _set(["lessons", 0, "body_html"], "<script>alert(1)</script>"),
        "lessons[0].body_html: không còn nội dung nào sau khi loại bỏ các thẻ HTML không được phép",
        id="body-only-script",
    ),
    pytest.param(
        _set(["quiz", "questions"], []),
        "quiz.questions: ngân hàng câu hỏi phải có ít nhất 1 câu hỏi",
        id="no-questions",
    ),
    pytest.param(
        _set(["quiz", "questions", 0, "options", 0, "correct"], True),
        "quiz.questions[0].options: câu hỏi một lựa chọn phải có đúng 1 đáp án đúng (đang có 2)",
        id="single-two-correct",
    ),
    pytest.param(
        _set(["quiz", "questions", 0, "options", 1, "correct"], False),
        "quiz.questions[0].options: câu hỏi một lựa chọn phải có đúng 1 đáp án đúng (đang có 0)",
        id="single-none-correct",
    ),
    pytest.param(
        _set(["quiz", "questions", 0, "options"], [{"text": "Duy nhất", "correct": True}]),
        "quiz.questions[0].options: câu hỏi một lựa chọn phải có ít nhất 2 phương án",
        id="single-one-option",
    ),
    pytest.param(
        _set(["quiz", "questions", 1, "options"], [{"text": "A", "correct": False}, {"text": "B", "correct": False}]),
        "quiz.questions[1].options: câu hỏi nhiều lựa chọn phải có ít nhất 1 đáp án đúng",
        id="multiple-none-correct",
    ),
    pytest.param(
        _set(
            ["quiz", "questions", 2, "options"],
            [{"text": "Đúng", "correct": False}, {"text": "Sai", "correct": True}, {"text": "Tùy", "correct": False}],
        ),
        "quiz.questions[2].options: câu hỏi đúng/sai phải có đúng 2 phương án và đúng 1 đáp án đúng "
        "(đang có 3 phương án, 1 đúng)",
        id="true-false-three-options",
    ),
    pytest.param(
        _set(["quiz", "questions", 2, "options", 0, "correct"], True),
        "quiz.questions[2].options: câu hỏi đúng/sai phải có đúng 2 phương án và đúng 1 đáp án đúng "
        "(đang có 2 phương án, 2 đúng)",
        id="true-false-two-correct",
    ),
    pytest.param(
        _set(["quiz", "questions", 0, "kind"], "essay"),
        'quiz.questions[0].kind: phải là "single", "multiple" hoặc "true_false"',
        id="unknown-kind",
    ),
    pytest.param(
        _set(["quiz", "questions", 0, "options", 1, "text"], " 123456 "),
        "quiz.questions[0].options[1].text: trùng với phương án [0]",
        id="duplicate-option",
    ),
    pytest.param(
        _set(["quiz", "questions", 1, "text"], "Mật khẩu nào mạnh nhất?"),
        "quiz.questions[1].text: trùng với câu hỏi [0]",
        id="duplicate-question",
    ),
    pytest.param(
        _set(["quiz", "questions_per_attempt"], 4),
        "quiz.questions_per_attempt: mỗi lần làm bài rút 4 câu nhưng ngân hàng chỉ có 3 câu hỏi — "
        "hãy thêm câu hỏi hoặc giảm số câu mỗi lần làm bài",
        id="draw-more-than-bank",
    ),
    pytest.param(
        _set(["quiz", "pass_percent"], 0), "quiz.pass_percent: phải từ 1 đến 100 (đang là 0)", id="pass-percent-0"
    ),
    pytest.param(
        _set(["quiz", "pass_percent"], 101), "quiz.pass_percent: phải từ 1 đến 100 (đang là 101)", id="pass-percent-101"
    ),
    pytest.param(
        _set(["quiz", "max_attempts"], 0), "quiz.max_attempts: phải từ 1 đến 32767 (đang là 0)", id="max-attempts-0"
    ),
    pytest.param(
        _set(["quiz", "time_limit_minutes"], 0),
        "quiz.time_limit_minutes: phải từ 1 đến 32767 (đang là 0)",
        id="time-limit-0",
    ),
    pytest.param(
        _set(["title"], "Kho¸ häc Hµ Néi"),
        "title: văn bản dùng bảng mã TCVN3 (phông .VnTime) — hãy chuyển sang Unicode trước khi nhập",
        id="legacy-tcvn3",
    ),
    pytest.param(
        _set(["lessons", 0, "title"], "Nguyeãn Vaên Traàn"),
        "lessons[0].title: văn bản dùng bảng mã VNI (phông VNI-Times) — hãy chuyển sang Unicode trước khi nhập",
        id="legacy-vni",
    ),
    pytest.param(_set(["title"], "T" * 256), "title: dài 256 ký tự, vượt quá giới hạn 255 ký tự", id="title-too-long"),
]


@pytest.mark.parametrize(("mutate", "expected"), REFUSALS)
def test_refusals(course_data, mutate, expected):
    data = mutate(course_data)

    with pytest.raises(ImportRefused) as excinfo:
        course_import(data=data)

    messages = _messages(excinfo)
    assert any(message.startswith(expected) for message in messages), messages
    assert _row_counts() == (0, 0, 0, 0, 0)


@pytest.mark.parametrize(("mutate", "expected"), REFUSALS[4:8])
def test_a_refused_file_leaves_the_existing_course_untouched(course_data, mutate, expected):
    course_import(data=course_data)
    before = _row_counts()

    with pytest.raises(ImportRefused):
        course_import(data=mutate(json.loads(json.dumps(course_data))))

    assert _row_counts() == before
    assert CourseVersion.objects.get().status == CourseVersionStatus.PUBLISHED


def test_every_problem_is_listed_at_once(course_data):
    course_data["slug"] = "Sai Slug"
    course_data["quiz"]["pass_percent"] = 0
    course_data["quiz"]["questions"][0]["options"][0]["correct"] = True
    del course_data["lessons"][1]["title"]

    with pytest.raises(ImportRefused) as excinfo:
        course_import(data=course_data)

    prefixes = [message.split(":")[0] for message in _messages(excinfo)]
    assert prefixes == ["slug", "lessons[1].title", "quiz.pass_percent", "quiz.questions[0].options"]


def test_an_oversized_file_is_refused_before_reading(settings, nq57_bytes):
    settings.LANTOA_IMPORT_MAX_BYTES = 1000

    with pytest.raises(ImportRefused) as excinfo:
        course_import(data=nq57_bytes)

    assert _messages(excinfo)[0].startswith("Tệp quá lớn")
    assert _row_counts() == (0, 0, 0, 0, 0)


# --- the review policy ("review") -------------------------------------------------------------------


def test_a_new_course_without_review_shows_everything_after_a_quiz(course_data):
    course_import(data=course_data)
    assert course_version_get_current(course=Course.objects.get()).review_policy == "explanations"


@pytest.mark.parametrize("policy", ["none", "score", "answers", "explanations"])
def test_review_policy_is_read_from_the_file(course_data, policy):
    course_import(data={**course_data, "review": policy})
    assert course_version_get_current(course=Course.objects.get()).review_policy == policy


@pytest.mark.parametrize(
    ("value", "shown"), [("all", '"all"'), ("Score", '"Score"'), (True, "true"), (3, "3"), ("", '""')]
)
def test_a_bad_review_policy_is_refused_with_one_message_and_nothing_written(course_data, value, shown):
    with pytest.raises(ImportRefused) as excinfo:
        course_import(data={**course_data, "review": value})

    assert _messages(excinfo) == [
        f'review: phải là một trong "none", "score", "answers", "explanations" (đang là {shown})'
    ]
    assert _row_counts() == (0, 0, 0, 0, 0)


def test_a_misspelt_review_key_is_still_refused(course_data):
    with pytest.raises(ImportRefused) as excinfo:
        course_import(data={**course_data, "reviews": "none"})
    assert any(message.startswith("reviews: trường không được hỗ trợ") for message in _messages(excinfo))


def test_a_changed_review_policy_alone_is_a_new_version(course_data):
    course_import(data=course_data)
    before = _row_counts()

    summary = course_import(data={**course_data, "review": "score"})

    assert summary.created and summary.version_number == 2
    assert course_version_get_current(course=Course.objects.get()).review_policy == "score"
    assert _row_counts() != before


def test_review_policy_is_kept_from_the_current_version_when_the_file_omits_it(course_data):
    course_import(data={**course_data, "review": "answers"})
    before = _row_counts()

    summary = course_import(data=course_data)

    assert not summary.created and "không thay đổi" in summary.message
    assert _row_counts() == before
    assert course_version_get_current(course=Course.objects.get()).review_policy == "answers"


def test_a_draft_copies_the_review_policy(course_data):
    course_import(data={**course_data, "review": "none"})
    draft = course_version_create_draft_from(version=CourseVersion.objects.get())
    assert draft.review_policy == "none"


# --- hostile files: a clear refusal, never a server error -------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "lồng nhau quá sâu"),
        (b'{"slug": "a", "estimated_minutes": ' + b"9" * 5000 + b"}", "số quá lớn"),
    ],
    ids=["deeply-nested", "huge-integer"],
)
def test_a_hostile_json_file_is_refused_with_a_message(data, message):
    before = _row_counts()
    with pytest.raises(ImportRefused) as excinfo:
        course_import(data=data)

    assert any(message in text for text in _messages(excinfo))
    assert _row_counts() == before


def test_a_nul_character_is_refused_on_every_database(course_data):
    course_data["title"] = "Khóa\x00học"
    course_data["lessons"][0]["body_html"] = "<p>a\x00b</p>"
    before = _row_counts()
    with pytest.raises(ImportRefused) as excinfo:
        course_import(data=json.dumps(course_data).encode())

    # The title is plain text: `core.text.normalize_text` drops control characters (NUL among them) as it
    # drops every invisible one. The lesson's HTML is not cleaned that way: its NUL is refused, nothing written.
    nul_messages = [text for text in _messages(excinfo) if "NUL" in text]
    assert len(nul_messages) == 1, nul_messages
    assert _row_counts() == before
