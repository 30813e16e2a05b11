from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from . import roles, selectors
from .models import Unit

PEOPLE_PER_PAGE = 25
MAX_QUERY_LENGTH = 100


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    scope = roles.scope_for(user=request.user)
    return render(
        request,
        "home.html",
        {"can_list_people": scope.sees_others, "own_staff_id": scope.own_staff_id},
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def people_list(request: HttpRequest) -> HttpResponse:
    scope = roles.scope_for(user=request.user)
    if not scope.sees_others:
        # A learner has no people page; "not found" rather than "forbidden", like any out-of-scope object.
        raise Http404
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    unit_code = request.GET.get("unit", "").strip()
    unit = selectors.access_unit(user=request.user, unit_code=unit_code) if unit_code else None
    memberships = selectors.membership_list_current_visible(user=request.user, query=query, unit=unit)
    page = Paginator(memberships, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "unit": unit,
        "page_query": _query_string(query=query, unit_code=unit.code if unit else ""),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "orgchart/_people_results.html", context)
    context["unit_choices"] = _unit_choices(list(selectors.unit_list_visible_choices(user=request.user)))
    return render(request, "orgchart/people_list.html", context)


def _unit_choices(units: list[Unit]) -> list[dict[str, str]]:
    """Options for the unit filter, indented by depth (an em space survives HTML's whitespace collapsing)."""
    top = min((unit.depth for unit in units), default=1)
    indent = "\u2003"
    return [{"code": unit.code, "label": f"{indent * (unit.depth - top)}{unit.name} ({unit.code})"} for unit in units]


def _query_string(*, query: str, unit_code: str) -> str:
    """The filters that page links must keep, url-encoded, ready to prefix `page=`."""
    params = QueryDict(mutable=True)
    if query:
        params["q"] = query
    if unit_code:
        params["unit"] = unit_code
    return params.urlencode()


@login_required
@require_GET
def person_detail(request: HttpRequest, staff_id: int) -> HttpResponse:
    person = selectors.access_staff(user=request.user, staff_id=staff_id)
    history = list(selectors.membership_list_for_staff(staff=person))
    current = selectors.membership_current_among(memberships=history)
    return render(request, "orgchart/person_detail.html", {"person": person, "current": current, "history": history})
