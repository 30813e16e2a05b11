import functools

from allauth.mfa.utils import is_mfa_enabled
from django.db import connection

from core.rawsql import model_columns, model_from_row

from .models import User
from .roles import is_office


def user_requires_mfa(*, user: User) -> bool:
    """The Office and superusers must sign in with a second factor."""
    return is_office(user)


def user_has_mfa(*, user: User) -> bool:
    return is_mfa_enabled(user)


# Whether the person linked to the account heads an active unit: the test `orgchart.roles` makes
# (`user_heads_active_unit`, the scope's `is_unit_head`), answered here with the user row.
_HEADS_AN_ACTIVE_UNIT = (
    "EXISTS (SELECT 1 FROM orgchart_staff s"
    " JOIN orgchart_unit_heads h ON h.staff_id = s.id"
    " JOIN orgchart_unit u ON u.id = h.unit_id"
    " WHERE s.user_id = a.id AND u.is_active)"
)


# The roster entry linked to the account (one-to-one: at most one), which most learner pages start from.
_LINKED_STAFF = "(SELECT s.id FROM orgchart_staff s WHERE s.user_id = a.id)"


@functools.cache
def _user_sql(vendor: str) -> str:
    # Identifiers from the model's metadata only; the id is a parameter.
    return (
        f"SELECT {model_columns(User, 'a')}, {_HEADS_AN_ACTIVE_UNIT}, {_LINKED_STAFF} "  # noqa: S608
        f"FROM {User._meta.db_table} a WHERE a.id = %s"
    )


def user_get_for_request(*, user_id) -> User | None:
    """The account with this id (None if there is none), read for a signed-in request in one statement.

    It carries `heads_active_unit`, whether the linked person heads an active unit: the question the
    navigation asks on every page (`orgchart.context_processors.roles`), and `linked_staff_id`, the id of
    the roster entry linked to the account or None (`courses.selectors_learning.staff_id_for_user`),
    both answered by the same statement.
    """
    with connection.cursor() as cursor:
        cursor.execute(_user_sql(connection.vendor), [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    user, at = model_from_row(User, row)
    user.heads_active_unit = bool(row[at])
    user.linked_staff_id = row[at + 1]
    return user
