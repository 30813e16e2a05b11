"""Context for the Jinja2 pages (config/jinja2.py)."""

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.safestring import SafeString


def csrf_hidden_input(token: object) -> SafeString:
    """The form field that carries the CSRF token, as Django's `{% csrf_token %}` writes it."""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


def csrf_once(request: HttpRequest) -> dict:
    """The page's CSRF token and hidden input, worked out once per page, on first use.

    Django's Jinja2 backend gives `csrf_token` and `csrf_input` as lazy strings that call
    `get_token` each time they are printed, and each call masks the secret anew (32 random
    characters): a page with the language switch, the sign-out form and its own form paid it three
    or four times. The Django template language's `csrf` context processor works it out once; this
    does the same for Jinja2 (context processors run after the backend's own values, and win).
    """
    token = SimpleLazyObject(lambda: get_token(request))
    return {"csrf_token": token, "csrf_input": SimpleLazyObject(lambda: csrf_hidden_input(token))}
