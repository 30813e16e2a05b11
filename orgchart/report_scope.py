"""Where a signed-in user's reports start: the unit their figures are rolled up from.

Shared by the coverage dashboard and the nominations' progress page (siblings that may not
import each other), so both apply the same rule and the same 404s.
"""

from __future__ import annotations

from django.http import Http404

from accounts.models import User
from orgchart.models import Unit
from orgchart.roles import scope_for
from orgchart.selectors import access_unit


def report_root_unit(*, user: User, unit_code: str | None) -> Unit | None:
    """Any unit for the Office (None: the whole tree), their own subtree for a head; 404 otherwise."""
    scope = scope_for(user=user)
    if unit_code:
        return access_unit(user=user, unit_code=unit_code)
    if scope.everything:
        return None
    if not scope.unit_paths:
        raise Http404
    # A head of several separate units sees the first (tree order); the others through `unit_code`.
    return Unit.objects.get(path=scope.unit_paths[0])
