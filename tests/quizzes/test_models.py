"""What the database itself refuses in a question bank."""

import pytest
from django.db import IntegrityError, transaction

from courses.models import Course, CourseVersion
from quizzes.models import Option, Question, QuestionKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    course = Course.objects.create(slug="kiem-tra")
    return CourseVersion.objects.create(course=course, number=1, title="Kiểm tra", estimated_minutes=10)


@pytest.fixture
def question(version):
    return Question.objects.create(version=version, position=1, text="Câu một?", kind=QuestionKind.SINGLE)


def _refused(**create):
    model = create.pop("model")
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**create)


def test_a_valid_bank_saves(question):
    Option.objects.create(question=question, position=1, text="A", is_correct=True)
    Option.objects.create(question=question, position=2, text="B")
    assert list(question.options.values_list("text", "is_correct")) == [("A", True), ("B", False)]


def test_question_positions_are_unique_per_version(version, question):
    _refused(model=Question, version=version, position=1, text="Câu khác?", kind=QuestionKind.SINGLE)


def test_question_position_starts_at_one(version):
    _refused(model=Question, version=version, position=0, text="Câu?", kind=QuestionKind.SINGLE)


def test_question_kind_is_one_of_the_three(version):
    _refused(model=Question, version=version, position=2, text="Câu?", kind="essay")


def test_question_text_is_required(version):
    _refused(model=Question, version=version, position=2, text="", kind=QuestionKind.SINGLE)


def test_option_positions_are_unique_per_question(question):
    Option.objects.create(question=question, position=1, text="A")
    _refused(model=Option, question=question, position=1, text="B")


def test_option_texts_are_unique_per_question(question):
    Option.objects.create(question=question, position=1, text="A")
    _refused(model=Option, question=question, position=2, text="A")


def test_option_text_is_required(question):
    _refused(model=Option, question=question, position=1, text="")


def test_questions_go_with_their_draft(version, question):
    Option.objects.create(question=question, position=1, text="A")
    version.delete()
    assert (Question.objects.count(), Option.objects.count()) == (0, 0)
