from django.http import HttpRequest

from orgchart.selectors import scope_for


def roles(request: HttpRequest) -> dict:
    """Role flags for the navigation; the scope query runs only when a template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    class _Lazy:
        @property
        def is_office(self) -> bool:
            return scope_for(user=user).everything

        @property
        def is_unit_head(self) -> bool:
            return scope_for(user=user).is_unit_head

    return {"roles": _Lazy()}
