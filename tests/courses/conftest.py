"""A small valid course file to mutate, and the real one."""

import copy
import json
from pathlib import Path

import pytest

NQ57_PATH = Path(__file__).resolve().parents[2] / "courses" / "content" / "nq57.json"

_SMALL = {
    "slug": "an-toan-thong-tin",
    "title": "An toàn thông tin cơ bản",
    "description": "Khóa học ngắn về an toàn thông tin.",
    "estimated_minutes": 30,
    "lessons": [
        {"title": "Mật khẩu mạnh", "body_html": "<p>Dùng mật khẩu dài, không dùng lại.</p>"},
        {"title": "Thư lừa đảo", "body_html": "<p>Không bấm vào đường dẫn lạ.</p><p>Hỏi lại người gửi.</p>"},
    ],
    "quiz": {
        "pass_percent": 80,
        "questions_per_attempt": 2,
        "max_attempts": 3,
        "time_limit_minutes": 10,
        "questions": [
            {
                "text": "Mật khẩu nào mạnh nhất?",
                "kind": "single",
                "options": [
                    {"text": "123456", "correct": False},
                    {"text": "Một câu dài dễ nhớ có số 2026", "correct": True},
                ],
            },
            {
                "text": "Những việc nào nên làm khi nhận thư lạ?",
                "kind": "multiple",
                "options": [
                    {"text": "Hỏi lại người gửi qua kênh khác", "correct": True},
                    {"text": "Báo cho bộ phận công nghệ thông tin", "correct": True},
                    {"text": "Mở tệp đính kèm ngay", "correct": False},
                ],
            },
            {
                "text": "Có nên dùng chung một mật khẩu cho mọi tài khoản?",
                "kind": "true_false",
                "options": [{"text": "Đúng", "correct": False}, {"text": "Sai", "correct": True}],
            },
        ],
    },
}


@pytest.fixture
def course_data():
    return copy.deepcopy(_SMALL)


@pytest.fixture
def nq57_bytes():
    return NQ57_PATH.read_bytes()


@pytest.fixture
def nq57_data(nq57_bytes):
    return json.loads(nq57_bytes)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
