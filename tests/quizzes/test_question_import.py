"""The question spreadsheet: into a draft only, every problem reported in Vietnamese, nothing written on error."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import Workbook

from core.importing import ImportRefused, read_table
from courses.models import CourseVersionStatus
from quizzes.models import Option, Question, QuestionKind
from quizzes.services import question_import
from quizzes.services.question_import import COLUMNS

from .conftest import make_version

pytestmark = pytest.mark.django_db

GOOD = [
    {
        "Câu hỏi": "Nghị quyết 57-NQ/TW bàn về lĩnh vực nào?",
        "Loại": "Một lựa chọn",
        "Phương án A": "Khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số",
        "Phương án B": "Nông nghiệp",
        "Phương án C": "Du lịch",
        "Đáp án đúng": "A",
        "Giải thích": "Tên đầy đủ của Nghị quyết nói rõ lĩnh vực.",
    },
    {
        "Câu hỏi": "Những việc nào là chuyển đổi số?",
        "Loại": "Nhiều lựa chọn",
        "Phương án A": "Dịch vụ công trực tuyến",
        "Phương án B": "Chép tay sổ sách",
        "Phương án C": "Ký số văn bản",
        "Đáp án đúng": "A, C",
        "Giải thích": "",
    },
    {
        "Câu hỏi": "Nghị quyết 57 do Bộ Chính trị ban hành.",
        "Loại": "Đúng/Sai",
        "Phương án A": "",
        "Phương án B": "",
        "Đáp án đúng": "A",
    },
]


def _rows(rows):
    """Rows as `read_table` gives them: every column in every row."""
    return [{column: row.get(column) for column in COLUMNS} for row in rows]


@pytest.fixture
def draft(db):
    return make_version(status=CourseVersionStatus.DRAFT, questions=2)


def _problems(refused: ImportRefused) -> list[str]:
    return [str(problem) for problem in refused.problems]


def test_a_good_file_is_appended_to_the_draft(draft):
    summary = question_import(version=draft, rows=_rows(GOOD))

    assert summary.created == 3 and "Đã nhập 3 câu hỏi" in str(summary)
    added = list(draft.questions.filter(position__gt=2).order_by("position"))
    assert [q.position for q in added] == [3, 4, 5]
    assert [q.kind for q in added] == [QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE]
    assert added[0].explanation == "Tên đầy đủ của Nghị quyết nói rõ lĩnh vực."
    single = list(added[0].options.order_by("position").values_list("text", "is_correct"))
    assert single == [
        ("Khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số", True),
        ("Nông nghiệp", False),
        ("Du lịch", False),
    ]
    assert list(added[1].options.order_by("position").values_list("is_correct", flat=True)) == [True, False, True]
    assert list(added[2].options.order_by("position").values_list("text", "is_correct")) == [
        ("Đúng", True),
        ("Sai", False),
    ]


def test_a_dry_run_writes_nothing(draft):
    summary = question_import(version=draft, rows=_rows(GOOD), dry_run=True)
    assert summary.created == 3 and str(summary).startswith("Sẽ nhập")
    assert draft.questions.count() == 2


def test_text_is_normalised(draft):
    row = dict(GOOD[0], **{"Câu hỏi": "  Nghi\u0303 quyết   57?  ", "Loại": " một  lựa chọn "})
    question_import(version=draft, rows=_rows([row]))
    assert draft.questions.get(position=3).text == "Nghĩ quyết 57?"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"Câu hỏi": ""}, 'Dòng 2, cột "Câu hỏi": thiếu nội dung câu hỏi.'),
        ({"Loại": "Tự luận"}, 'Dòng 2, cột "Loại": "Tự luận" không hợp lệ'),
        ({"Đáp án đúng": ""}, 'Dòng 2, cột "Đáp án đúng": thiếu đáp án đúng'),
        ({"Đáp án đúng": "G"}, 'Dòng 2, cột "Đáp án đúng": "G" không phải chữ cái của phương án'),
        ({"Đáp án đúng": "D"}, 'Dòng 2, cột "Đáp án đúng": đáp án D trỏ tới Phương án D nhưng cột này để trống.'),
        ({"Đáp án đúng": "A,B"}, 'Dòng 2, cột "Đáp án đúng": câu một lựa chọn phải có đúng một đáp án đúng.'),
        ({"Phương án B": "", "Phương án C": ""}, 'Dòng 2, cột "Phương án B": cần ít nhất hai phương án'),
        ({"Phương án B": ""}, 'Dòng 2, cột "Phương án B": để trống nhưng Phương án C có nội dung'),
        ({"Phương án C": "Nông nghiệp"}, 'Dòng 2, cột "Phương án C": trùng nội dung với Phương án B.'),
        ({"Phương án C": "x" * 501}, 'Dòng 2, cột "Phương án C": dài 501 ký tự; tối đa 500 ký tự.'),
        ({"Câu hỏi": "Nghò quyÕt 57"}, 'Dòng 2, cột "Câu hỏi": văn bản dùng bảng mã'),
        ({"Loại": "Đúng/Sai"}, 'Dòng 2, cột "Đáp án đúng": câu Đúng/Sai phải có đúng hai phương án'),
    ],
)
def test_each_problem_is_reported_and_nothing_is_written(draft, change, expected):
    rows = _rows([dict(GOOD[0], **change), GOOD[1]])
    with pytest.raises(ImportRefused) as refused:
        question_import(version=draft, rows=rows)
    assert any(problem.startswith(expected) for problem in _problems(refused.value)), _problems(refused.value)
    assert draft.questions.count() == 2


def test_every_problem_of_the_file_is_reported_at_once(draft):
    rows = _rows([dict(GOOD[0], **{"Loại": "?"}), GOOD[1], dict(GOOD[2], **{"Đáp án đúng": "C"})])
    with pytest.raises(ImportRefused) as refused:
        question_import(version=draft, rows=rows)
    rows_named = {problem.row for problem in refused.value.problems}
    assert rows_named == {2, 4}


def test_duplicates_in_the_file_and_in_the_draft_are_refused(draft):
    existing = draft.questions.get(position=1).text
    rows = _rows([GOOD[0], GOOD[0], dict(GOOD[1], **{"Câu hỏi": existing})])
    with pytest.raises(ImportRefused) as refused:
        question_import(version=draft, rows=rows)
    problems = _problems(refused.value)
    assert 'Dòng 3, cột "Câu hỏi": trùng với câu hỏi ở dòng 2.' in problems
    assert 'Dòng 4, cột "Câu hỏi": bản nháp đã có câu hỏi này (câu số 1).' in problems


def test_a_missing_column_is_refused(draft):
    rows = [{key: value for key, value in row.items() if key != "Đáp án đúng"} for row in _rows(GOOD)]
    with pytest.raises(ImportRefused) as refused:
        question_import(version=draft, rows=rows)
    assert _problems(refused.value) == [
        'Dòng 1, cột "Đáp án đúng": thiếu cột bắt buộc này trong dòng tiêu đề — hãy thêm cột hoặc sửa tên cột cho đúng.'
    ]


@pytest.mark.parametrize("status", [CourseVersionStatus.PUBLISHED, CourseVersionStatus.RETIRED])
def test_a_published_version_is_refused(status):
    version = make_version(status=status)
    before = (Question.objects.count(), Option.objects.count())
    with pytest.raises(ImportRefused) as refused:
        question_import(version=version, rows=_rows(GOOD))
    assert "không phải bản nháp" in _problems(refused.value)[0]
    assert (Question.objects.count(), Option.objects.count()) == before


def test_a_real_xlsx_reads_through_read_table(draft):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    for row in GOOD:
        sheet.append([row.get(column) for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = read_table(content=buffer.getvalue(), filename="cau-hoi.xlsx")
    assert question_import(version=draft, rows=rows).created == 3


# --- the admin: upload → preview → confirm ------------------------------------------------------


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS))
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in COLUMNS})
    return buffer.getvalue().encode("utf-8")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def _upload(admin_client, version, content, name="cau-hoi.csv"):
    upload = io.BytesIO(content)
    upload.name = name
    return admin_client.post(
        reverse("admin:quizzes_question_import"),
        {"resource": "0", "import_file": upload, "format": "", "version": version.pk},
    )


def test_admin_import_previews_then_writes(admin_client, draft):
    assert admin_client.get(reverse("admin:quizzes_question_import")).status_code == 200

    preview = _upload(admin_client, draft, _csv(GOOD))

    assert preview.status_code == 200
    assert "Sẽ nhập 3 câu hỏi" in preview.text
    assert draft.questions.count() == 2
    confirm = preview.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    done = admin_client.post(reverse("admin:quizzes_question_process_import"), data, follow=True)
    assert done.status_code == 200
    assert draft.questions.count() == 5
    assert "Đã nhập 3 câu hỏi" in done.text


def test_admin_import_shows_the_problems_and_writes_nothing(admin_client, draft):
    bad = [dict(GOOD[0], **{"Đáp án đúng": "A,B"}), GOOD[1]]
    page = _upload(admin_client, draft, _csv(bad))
    assert page.status_code == 200
    assert "câu một lựa chọn phải có đúng một đáp án đúng." in page.text
    assert "confirm_form" not in page.context or page.context["confirm_form"] is None
    assert draft.questions.count() == 2


def test_admin_import_offers_only_drafts(admin_client, draft):
    published = make_version()
    page = admin_client.get(reverse("admin:quizzes_question_import")).text
    version_select = re.search(r'<select name="version".*?</select>', page, re.S).group(0)
    options = re.findall(r'<option value="(\d+)"', version_select)
    assert str(draft.pk) in options and str(published.pk) not in options
    refused = _upload(admin_client, published, _csv(GOOD))
    assert refused.status_code == 200 and "confirm_form" not in (refused.context or {})
    assert published.questions.count() == 5


def test_a_question_bank_in_the_government_layout_is_read(draft):
    """A title block, the header on row 4, an STT column, a signature block: the table is found."""
    from core.importing import read_table
    from tests.orgchart.files import xlsx_bytes

    header = ["STT", *COLUMNS]
    grid = [
        ["SỞ TƯ PHÁP TỈNH ĐỒNG NAI"],
        ["NGÂN HÀNG CÂU HỎI"],
        [],
        header,
        *[[n, *(row.get(column, "") for column in COLUMNS)] for n, row in enumerate(GOOD[:2], start=1)],
        [],
        [None, "Người lập biểu"],
    ]
    summary = question_import(
        version=draft, rows=read_table(content=xlsx_bytes(grid), filename="cau-hoi.xlsx"), dry_run=True
    )
    assert summary.created == 2
    assert [change.row for change in summary.changes] == [5, 6]
    assert summary.notes == [
        'Đọc trang "Sheet", dòng tiêu đề là dòng 4.',
        "Bảng dừng ở dòng trống 7: phần ký tên từ dòng 8 trở đi không được đọc.",
    ]
