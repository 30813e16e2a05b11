"""Reads about courses: versions and their content (`versions`), who an assignment is for on a date
(`audience`), and a learner's courses, course and lesson pages (`learning`)."""

from courses.selectors.versions import (
    course_version_content_hash,
    course_version_get_current,
    course_version_get_draft,
    course_version_next_number,
    course_version_with_content,
)

__all__ = [
    "course_version_content_hash",
    "course_version_get_current",
    "course_version_get_draft",
    "course_version_next_number",
    "course_version_with_content",
]
