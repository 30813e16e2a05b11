"""Is this user the Office? The one answer, from the account alone (no query).

The Office (Văn phòng Sở, `User.is_office_admin`) and superusers see every unit, use the
admin, and must sign in with a second factor. What a unit head may see needs the org
chart: `orgchart.roles`. Office-only pages call `require_office`: to anyone else they are
"not found", never "forbidden", so nothing leaks.
"""

from __future__ import annotations

from django.http import Http404


def is_office(user) -> bool:
    """The Office or a superuser: a signed-in, active account with either flag (False for visitors)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or getattr(user, "is_office_admin", False))
    )


def require_office(user) -> None:
    """Http404 unless `user` is the Office (the Office-only pages' one check)."""
    if not is_office(user):
        raise Http404
