from django.http import HttpRequest
from django.utils.functional import cached_property

from accounts.roles import is_office

from .roles import user_heads_active_unit


class _Roles:
    """Role flags for the navigation, each worked out only when a template reads it.

    The same answers as `scope_for` (orgchart.roles: the Office and superusers see everything; a
    unit head is someone heading an active unit, and the Office is never counted as one), without
    its query when the page has not needed the scope already: the navigation only asks yes or no.
    """

    def __init__(self, user):
        self._user = user

    @cached_property
    def is_office(self) -> bool:
        return is_office(self._user)

    @cached_property
    def is_unit_head(self) -> bool:
        return user_heads_active_unit(user=self._user)


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

    The navigation in `templates/base.html` reads them on every page.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_section": _nav_section(request)}
    return {"roles": _Roles(user), "nav_section": _nav_section(request)}
