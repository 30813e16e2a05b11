from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {})


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


@login_required
def person_detail(request: HttpRequest, staff_id: int) -> HttpResponse:
    person = selectors.access_staff(user=request.user, staff_id=staff_id)
    return render(request, "orgchart/person_detail.html", {"person": person})
