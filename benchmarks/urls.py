"""The product's URLs plus the benchmark's one-row baseline view (only with `config.settings.bench`)."""

from django.urls import include, path

from benchmarks import views

urlpatterns = [
    path("bench/one-row/", views.one_row, name="bench_one_row"),
    path("", include("config.urls")),
]
