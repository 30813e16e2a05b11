"""Refusing requests no page can mean, and never letting a shared cache keep a page that knows the user.

`PrivateCacheMiddleware`: a response built for a signed-in user, or that sets a cookie (a CSRF token in
the page, a session), is marked `Cache-Control: private` (a view's `public` is overridden): a proxy
must not hand one person's name and token to the next. Public data (the indicators' CSV and JSON)
keeps its public caching.

`HostileInputMiddleware`:

- A NUL character anywhere in the path, the query string or a posted form: PostgreSQL refuses NUL in
  text (a DataError, a 500) while SQLite stores it; no field of ours means it. 400 (Bad Request).
- A whole-number URL parameter beyond 64 bits (`<int:pk>` matches any run of digits): SQLite cannot
  bind it (OverflowError) and PostgreSQL has no such id. 404, as for any id that does not exist.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

BIGINT_MAX = 2**63 - 1


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _digits_beyond_64_bits(value: str) -> bool:
    """Without int() on thousands of digits (Python refuses more than 4,300)."""
    if not (value.isascii() and value.isdigit()):
        return False
    digits = value.lstrip("0")
    return len(digits) > 19 or (len(digits) == 19 and int(digits) > BIGINT_MAX)


def _has_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())


class HostileInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(tuple(getattr(settings, "LANTOA_NUL_CHECK_EXEMPT_PREFIXES", ()))):
            pass  # the JSON API checks its parameters itself and answers with its documented 422
        elif "\x00" in request.path or _has_nul(request.GET):
            raise BadRequest("NUL character in the request")
        posts_a_form = request.method == "POST" and request.content_type in _FORM_TYPES
        if posts_a_form and _has_nul(request.POST):
            raise BadRequest("NUL character in the posted form")
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not -BIGINT_MAX <= value <= BIGINT_MAX:
                raise Http404
            if isinstance(value, str) and _digits_beyond_64_bits(value):  # the admin's <path:object_id>
                raise Http404
        return None


class PrivateCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # A page with a CSRF token (re)sets the token's cookie; a written session sets its cookie. A response
        # setting a cookie is one person's, whoever they are.
        if (user is not None and user.is_authenticated) or response.cookies:
            patch_cache_control(response, private=True)
        return response
