"""The API's URL patterns, for `path("api/v1/", include("reports.api_urls"))` in config/urls.py."""

from reports.api import api

urlpatterns = api.urls[0]
app_name = api.urls_namespace
