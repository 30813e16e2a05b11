"""Who may see what: the Office, the heads of which units, and the scope of a user. One home for these rules.

- The Office (and superusers) see everything: `accounts.roles.is_office`, from the account alone.
- A unit head is someone linked to the account who heads an active unit (`Unit.heads`);
  they see the subtrees of those units, plus themselves. For what a user may see, the Office
  is never counted as a head (its scope is everything); the weekly digest goes to every head.
- Everyone else sees themselves.

`scope_for` answers all three at once (one query, cached on the user object for the
request); `user_heads_active_unit` answers only "is this a unit head?" (the navigation's
question on every page); `head_unit_paths_on` lists every head with their units (the
weekly digest).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, FilteredRelation, OuterRef, Q

from accounts.models import User
from accounts.roles import is_office
from accounts.selectors import HEADS_ACTIVE_UNIT

from .models import Membership, Staff, Unit
from .queries import active_on_q


@dataclass(frozen=True)
class Scope:
    """What a user may see: everything, or the subtrees of the units they head, plus themselves."""

    everything: bool
    unit_paths: tuple[str, ...]
    own_staff_id: int | None

    @property
    def is_unit_head(self) -> bool:
        return bool(self.unit_paths)

    @property
    def sees_others(self) -> bool:
        """The Office or a unit head: may list people, read the reports and nominate (anyone else: 404)."""
        return self.everything or self.is_unit_head


def scope_for(*, user: User) -> Scope:
    """One query (cached on the user object for the request)."""
    cached = getattr(user, "_lantoa_scope", None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        scope = Scope(everything=False, unit_paths=(), own_staff_id=None)
    elif is_office(user):
        scope = Scope(
            everything=True,
            unit_paths=(),
            own_staff_id=Staff.objects.filter(user=user).values_list("id", flat=True).first(),
        )
    else:
        # The person and the active units they head, in one query (a LEFT JOIN: a learner
        # who heads nothing comes back as one row with no path).
        rows = list(
            Staff.objects.filter(user=user)
            .annotate(headed=FilteredRelation("headed_units", condition=Q(headed_units__is_active=True)))
            .values_list("id", "headed__path")
        )
        paths = _outermost(sorted(path for _staff_id, path in rows if path))
        own = rows[0][0] if rows else None
        scope = Scope(everything=False, unit_paths=tuple(paths), own_staff_id=own)
    user._lantoa_scope = scope
    return scope


def staff_id_for_user(*, user: User) -> int | None:
    """The id of the roster entry linked to the account, or None.

    No query for a signed-in request: `accounts.backends` reads the person with the account.
    """
    if not user.is_authenticated:
        return None
    try:
        return user.staff.pk
    except Staff.DoesNotExist:
        return None


def _outermost(paths: list[str]) -> list[str]:
    """Drop paths that lie inside another path of the list (sorted input: a parent comes before its sub-units)."""
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(parent) for parent in kept):
            kept.append(path)
    return kept


def user_heads_active_unit(*, user: User) -> bool:
    """Whether the person linked to the account heads an active unit (the scope's `is_unit_head`); one query.

    False for the Office, as in `scope_for`. No query when the answer is already on the user
    object: from `scope_for` earlier in the request, or read with the user by
    `accounts.backends` (`heads_active_unit`).
    """
    if is_office(user):
        return False
    scope = getattr(user, "_lantoa_scope", None)
    if scope is not None:
        return scope.is_unit_head
    read_with_user = getattr(user, "heads_active_unit", None)
    if read_with_user is not None:
        return read_with_user
    return User.objects.filter(HEADS_ACTIVE_UNIT, pk=user.pk).exists()


def head_unit_paths_on(*, on_date: dt.date) -> dict[int, list[str]]:
    """Each unit head still on the roster on `on_date` and the outermost paths of the active units they head.

    One query. Keys are staff ids.
    """
    still_on_roster = Membership.objects.filter(active_on_q(on_date), staff_id=OuterRef("heads__id"))
    headed: dict[int, list[str]] = defaultdict(list)
    for head_id, path in (
        Unit.objects.filter(is_active=True, heads__isnull=False)
        .filter(Exists(still_on_roster))
        .order_by("path")
        .values_list("heads__id", "path")
    ):
        headed[head_id].append(path)
    return {head_id: _outermost(paths) for head_id, paths in headed.items()}
