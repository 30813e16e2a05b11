"""Role fixtures: learner, unit_head, other_unit_head, office_admin, superuser.

The tree: STP (department) → VP (division) → VP-TH (team); STP → TGPL (public-service unit).
`unit_head` heads VP; `other_unit_head` heads TGPL.
"""

import datetime as dt

import pytest
from django.core.cache import cache

from config.celery import app as celery_app
from orgchart.models import StaffCategory, UnitKind

from .factories import MembershipFactory, StaffFactory, UnitFactory, UserFactory, give_totp


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rate-limit counters (API tokens, /verify/, logins) are keyed by ids
    and addresses that the next test reuses, so one test's counts must not limit the next."""
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def eager_celery(request):
    """Tasks run in-process, except in tests marked `worker`, which talk to a real worker.

    CI runs the suite a second time with CELERY_BROKER_URL set (PostgreSQL + Redis);
    only the worker tests should then leave the process.
    """
    if request.node.get_closest_marker("worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def tree(db):
    root = UnitFactory(code="STP", name="Sở Tư pháp tỉnh Đồng Nai", kind=UnitKind.DEPARTMENT)
    vp = UnitFactory(code="VP", name="Văn phòng Sở", parent=root)
    vp_team = UnitFactory(code="VP-TH", name="Tổ Tổng hợp", kind=UnitKind.TEAM, parent=vp)
    tgpl = UnitFactory(
        code="TGPL",
        name="Trung tâm Trợ giúp pháp lý nhà nước",
        kind=UnitKind.PUBLIC_SERVICE_UNIT,
        parent=root,
    )
    root.refresh_from_db()
    vp.refresh_from_db()
    return {"root": root, "vp": vp, "vp_team": vp_team, "tgpl": tgpl}


def _person(unit, *, name, code, user=None, category=StaffCategory.CIVIL_SERVANT, position="Chuyên viên"):
    staff = StaffFactory(full_name=name, code=code, user=user, email=user.email if user else f"{code.lower()}@x.vn")
    MembershipFactory(staff=staff, unit=unit, category=category, position=position, valid_from=dt.date(2025, 1, 1))
    return staff


@pytest.fixture
def learner(tree):
    user = UserFactory(email="hoc.vien@stp.dongnai.gov.vn", display_name="Trần Thị Học")
    _person(tree["vp_team"], name="Trần Thị Học", code="CB-HV", user=user)
    return user


@pytest.fixture
def unit_head(tree):
    user = UserFactory(email="truong.vp@stp.dongnai.gov.vn", display_name="Lê Văn Trưởng")
    staff = _person(
        tree["vp"],
        name="Lê Văn Trưởng",
        code="CB-VP",
        user=user,
        category=StaffCategory.LEADER,
        position="Chánh Văn phòng",
    )
    tree["vp"].heads.add(staff)
    return user


@pytest.fixture
def other_unit_head(tree):
    user = UserFactory(email="giam.doc.tgpl@stp.dongnai.gov.vn", display_name="Phạm Minh Khác")
    staff = _person(
        tree["tgpl"],
        name="Phạm Minh Khác",
        code="CB-TG",
        user=user,
        category=StaffCategory.LEADER,
        position="Giám đốc Trung tâm",
    )
    tree["tgpl"].heads.add(staff)
    return user


@pytest.fixture
def office_admin(tree):
    user = UserFactory(
        email="van.phong@stp.dongnai.gov.vn", display_name="Văn Phòng", is_office_admin=True, is_staff=True
    )
    give_totp(user)
    return user


@pytest.fixture
def superuser(db):
    user = UserFactory(email="admin@stp.dongnai.gov.vn", is_superuser=True, is_staff=True)
    give_totp(user)
    return user
