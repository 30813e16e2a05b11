"""Pages the framework shows when a request fails before any app's view, in the site's look and language."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page kept open too long (or with cookies blocked): say what to do, not Django's English.

    Django's own page is rendered without the request, so the site's menus and language would be lost
    (`CSRF_FAILURE_VIEW` in config/settings/base.py).
    """
    return render(request, "403_csrf.html", status=403)
