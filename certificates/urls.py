from django.urls import path

from certificates.views import bulk, mine, verify

app_name = "certificates"
urlpatterns = [
    path("verify/<str:code>/", verify.verify, name="verify"),
    # The learner's own (signed in).
    path("certificates/mine/", mine.my_certificates, name="mine"),
    path("certificates/<str:code>/pdf/", verify.download, name="download"),
    # The Office's bulk issue.
    path("certificates/bulk/", bulk.bulk_start, name="bulk_start"),
    path("certificates/bulk/<int:job_id>/", bulk.bulk_job, name="bulk_job"),
    path("certificates/bulk/<int:job_id>/retry/", bulk.bulk_job_retry, name="bulk_job_retry"),
    path("certificates/bulk/<int:job_id>/download/", bulk.bulk_job_download, name="bulk_job_download"),
]
