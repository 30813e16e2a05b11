"""Public, no sign-in: the published indicators at `/indicators/` (config/urls.py includes this)."""

from django.urls import path

from . import views_public

app_name = "indicators"
urlpatterns = [
    path("", views_public.indicators_page, name="page"),
    path("data.csv", views_public.indicators_csv, name="csv"),
    path("data.json", views_public.indicators_json, name="json"),
]
