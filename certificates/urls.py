from django.urls import path

from . import views, views_bulk

app_name = "certificates"
urlpatterns = [
    path("verify/<str:code>/", views.verify, name="verify"),
    path("certificates/<str:code>/pdf/", views.download, name="download"),
]

# The Office's bulk issue (certificates/views_bulk.py).
urlpatterns += [
    path("certificates/bulk/", views_bulk.bulk_start, name="bulk_start"),
    path("certificates/bulk/<int:job_id>/", views_bulk.bulk_job, name="bulk_job"),
    path("certificates/bulk/<int:job_id>/retry/", views_bulk.bulk_job_retry, name="bulk_job_retry"),
    path("certificates/bulk/<int:job_id>/download/", views_bulk.bulk_job_download, name="bulk_job_download"),
]
