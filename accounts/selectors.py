from allauth.mfa.utils import is_mfa_enabled
from django.db.models import Exists, OuterRef, Q

from .models import User
from .roles import is_office

# The one definition of "heads an active unit": the person linked to the account (`staff`) is among the
# heads of a unit that is active. `orgchart.roles` asks it (`user_heads_active_unit`, the
# scope's `is_unit_head`); the Office is never counted as a unit head there.
# Relation paths by name: accounts sits below orgchart and imports none of it.
HEADS_ACTIVE_UNIT = Q(staff__headed_units__is_active=True)


def user_requires_mfa(*, user: User) -> bool:
    """The Office and superusers must sign in with a second factor."""
    return is_office(user)


def user_has_mfa(*, user: User) -> bool:
    return is_mfa_enabled(user)


def user_get_for_request(*, user_id) -> User | None:
    """The account with this id (None if there is none), read for a signed-in request (`accounts.backends`).

    In the same query: `heads_active_unit`, the question the navigation asks on every page
    (`orgchart.context_processors.roles`), and `staff`, the person linked to the account, for whom the
    learner pages write (a lesson's first reading, a quiz started); accessing `user.staff` then costs
    no query (it raises `ObjectDoesNotExist` without one for an account that has no person).
    """
    heads = Exists(User.objects.filter(HEADS_ACTIVE_UNIT, pk=OuterRef("pk")))
    try:
        return User.objects.select_related("staff").annotate(heads_active_unit=heads).get(pk=user_id)
    except User.DoesNotExist:
        return None

