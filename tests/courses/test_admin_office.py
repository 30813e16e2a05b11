"""The Office (not superusers only) runs the course and quiz admin; other roles get nothing."""

import pytest

URLS = [
    "/admin/courses/course/",
    "/admin/courses/courseversion/",
    "/admin/courses/assignment/",
    "/admin/quizzes/question/",
    "/admin/quizzes/question/import/",
]


@pytest.mark.parametrize("url", URLS)
def test_office_admin_without_superuser_opens_learning_admin(client, office_admin, url):
    assert not office_admin.is_superuser
    client.force_login(office_admin)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", URLS)
def test_unit_head_is_kept_out_of_learning_admin(client, unit_head, url):
    unit_head.is_staff = True  # even with the flag, the role decides
    unit_head.save()
    client.force_login(unit_head)
    assert client.get(url).status_code == 404
