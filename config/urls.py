from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic.base import RedirectView

from orgchart import views as orgchart_views
from publication.urls import public_urlpatterns as indicators_urlpatterns


class FaviconRedirect(RedirectView):
    """/favicon.ico → the static icon, its (hashed, in production) name looked up per request, not at import."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("favicon.ico")


urlpatterns = [
    path("", orgchart_views.home, name="home"),
    # Browsers ask for /favicon.ico on their own; the icon itself is a static file (whitenoise).
    path("favicon.ico", FaviconRedirect.as_view()),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("orgchart.urls")),
    path("courses/", include("courses.urls")),
    path("quiz/", include("quizzes.urls")),
    path("reports/semiannual/", include("semiannual.urls")),
    path("reports/publications/", include("publication.urls")),
    path("reports/", include("reports.urls")),
    path("nominations/", include("nominations.urls")),
    path("api/v1/", include("reports.api_urls")),  # token-authenticated JSON API (reports/api.py)
    path("indicators/", include((indicators_urlpatterns, "indicators"))),  # public, no sign-in
    # Public, no sign-in: certificate verification (/verify/<code>/) and published indicators.
    path("", include("certificates.urls")),
]

# No route serves MEDIA_ROOT, in any mode: stored files go out only through views that check who asks
# (core/files.py).
