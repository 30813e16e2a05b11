from django.urls import path

from reports.views import coverage, dashboard, record, snapshots

app_name = "reports"
urlpatterns = [
    path("", dashboard.dashboard_index, name="dashboard_index"),
    # An assignment's pages sit under `a/`, so no other route can be read as an assignment's code.
    path("a/<slug:slug>/", dashboard.dashboard, name="dashboard"),
    path("a/<slug:slug>/people/", dashboard.dashboard_people, name="dashboard_people"),
    path("a/<slug:slug>/freeze/", snapshots.snapshot_freeze, name="snapshot_freeze"),
    path("coverage/<slug:slug>/export.<str:export_format>", coverage.coverage_export, name="coverage_export"),
    # A person's training record (the person, their unit heads, the Office) and its exports.
    path("people/<int:staff_id>/", record.training_record, name="training_record"),
    path(
        "people/<int:staff_id>/record.<str:export_format>",
        record.training_record_export,
        name="training_record_export",
    ),
    path("snapshots/", snapshots.snapshot_list, name="snapshot_list"),
    path("snapshots/<int:pk>/", snapshots.snapshot_detail, name="snapshot_detail"),
]
