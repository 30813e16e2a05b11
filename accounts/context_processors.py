from django.db import connection
from django.http import HttpRequest
from django.utils.functional import cached_property

# Whether the person linked to the account heads an active unit: the test `scope_for` makes
# (its `is_unit_head`), asked on its own. A plain statement: this runs on nearly every page,
# and building the ORM query would cost several times what the database does.
_HEADS_AN_ACTIVE_UNIT = (
    "SELECT 1 FROM orgchart_staff s"
    " JOIN orgchart_unit_heads h ON h.staff_id = s.id"
    " JOIN orgchart_unit u ON u.id = h.unit_id"
    " WHERE s.user_id = %s AND u.is_active"
    " LIMIT 1"
)


class _Roles:
    """Role flags for the navigation, each worked out only when a template reads it.

    The same answers as `scope_for` (the Office and superusers see everything; a unit head is
    someone heading an active unit, and the Office is never counted as one), without its query
    when the page has not needed the scope already: the navigation only asks yes or no.
    """

    def __init__(self, user):
        self._user = user

    @cached_property
    def is_office(self) -> bool:
        return bool(self._user.is_superuser or self._user.is_office_admin)

    @cached_property
    def is_unit_head(self) -> bool:
        scope = getattr(self._user, "_lantoa_scope", None)  # `scope_for` already worked out for this request
        if scope is not None:
            return scope.is_unit_head
        if self.is_office:
            return False  # the Office's scope is everything, never a unit head's subtrees
        read_with_user = getattr(self._user, "heads_active_unit", None)  # accounts.backends' get_user
        if read_with_user is not None:
            return read_with_user
        with connection.cursor() as cursor:
            cursor.execute(_HEADS_AN_ACTIVE_UNIT, [self._user.pk])
            return cursor.fetchone() is not None


def _nav_section(request: HttpRequest) -> str:
    """The navigation entry the page belongs to ('' for none), marked as the current one."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.view_name == "courses:my_courses":
        return "my_courses"
    return match.app_name if match.app_name in ("reports", "nominations") else ""


def roles(request: HttpRequest) -> dict:
    """Role flags and the current section for the navigation; no query runs unless a template reads the flags.

    `templates/base.html` caches the navigation by these values (and the language): they must be all
    the navigation depends on.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_section": _nav_section(request)}
    return {"roles": _Roles(user), "nav_section": _nav_section(request)}
