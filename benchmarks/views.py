"""The baseline of the learner load benchmark: a minimal Django view that reads one row."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from orgchart.models import Unit


@require_GET
def one_row(request: HttpRequest) -> HttpResponse:
    """One indexed single-row SELECT (the department's name by its unique code), as plain text.

    It goes through the same middleware stack as every page; no template, no session.
    """
    name = Unit.objects.filter(code="STP").values_list("name", flat=True).first()
    return HttpResponse(name or "", content_type="text/plain; charset=utf-8")
