"""A URL that fails on purpose, to see the page a visitor gets for a server error."""

from django.urls import include, path


def broken(request):
    raise RuntimeError("a bug, on purpose")


urlpatterns = [path("broken/", broken), path("", include("config.urls"))]
