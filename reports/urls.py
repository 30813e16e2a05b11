from django.urls import path

from . import views, views_dashboard, views_semiannual

app_name = "reports"
urlpatterns = [
    path(
        "coverage/<slug:slug>/export.<str:export_format>",
        views.coverage_export,
        name="coverage_export",
    ),
    # The dashboard, snapshots and publications (reports/views_dashboard.py). The fixed
    # prefixes come before `<slug>/` so they are never read as an assignment's code.
    path("", views_dashboard.dashboard_index, name="dashboard_index"),
    path("snapshots/", views_dashboard.snapshot_list, name="snapshot_list"),
    path("snapshots/<int:pk>/", views_dashboard.snapshot_detail, name="snapshot_detail"),
    path("publications/", views_dashboard.publication_list, name="publications"),
    path(
        "publications/<int:pk>/<str:action>/",
        views_dashboard.publication_change,
        name="publication_change",
    ),
    path("<slug:slug>/", views_dashboard.dashboard, name="dashboard"),
    path("<slug:slug>/people/", views_dashboard.dashboard_people, name="dashboard_people"),
    path("<slug:slug>/freeze/", views_dashboard.snapshot_freeze, name="snapshot_freeze"),
]

# The semiannual report (reports/views_semiannual.py), Office only. Put first: `<slug>/` above would
# otherwise read "semiannual" as an assignment's code.
urlpatterns = [
    path("semiannual/", views_semiannual.semiannual_list, name="semiannual_list"),
    path("semiannual/<int:pk>/", views_semiannual.semiannual_detail, name="semiannual_detail"),
    path("semiannual/<int:pk>/preview.pdf", views_semiannual.semiannual_preview, name="semiannual_preview"),
    path("semiannual/<int:pk>/issue/", views_semiannual.semiannual_issue, name="semiannual_issue"),
    path("semiannual/<int:pk>/report.pdf", views_semiannual.semiannual_pdf, name="semiannual_pdf"),
    path("semiannual/<int:pk>/delete/", views_semiannual.semiannual_delete, name="semiannual_delete"),
    *urlpatterns,
]
