"""The semiannual report, Office only; mounted at `/reports/semiannual/` (config/urls.py)."""

from django.urls import path

from semiannual import views

app_name = "semiannual"
urlpatterns = [
    path("", views.semiannual_list, name="list"),
    path("<int:pk>/", views.semiannual_detail, name="detail"),
    path("<int:pk>/preview.pdf", views.semiannual_preview, name="preview"),
    path("<int:pk>/issue/", views.semiannual_issue, name="issue"),
    path("<int:pk>/report.pdf", views.semiannual_pdf, name="pdf"),
    path("<int:pk>/delete/", views.semiannual_delete, name="delete"),
    path("<int:pk>/correct/", views.semiannual_correct, name="correct"),
]
