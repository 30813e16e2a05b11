from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path(
        "coverage/<slug:slug>/export.<str:export_format>",
        views.coverage_export,
        name="coverage_export",
    ),
]
