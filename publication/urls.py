"""The Office's publication page (`/reports/publications/`, namespace `publication`) and the public,
no sign-in indicators (`/indicators/`, namespace `indicators`); config/urls.py mounts both."""

from django.urls import path

from publication.views import office, public

app_name = "publication"
urlpatterns = [
    path("", office.publication_list, name="list"),
    path("<int:pk>/<str:action>/", office.publication_change, name="change"),
]

public_urlpatterns = [
    path("", public.indicators_page, name="page"),
    path("data.csv", public.indicators_csv, name="csv"),
    path("data.json", public.indicators_json, name="json"),
]
