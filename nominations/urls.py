from django.urls import path

from . import views

app_name = "nominations"
urlpatterns = [
    path("", views.staff_list, name="staff"),
    path("nominate/", views.nominate, name="nominate"),
    path("all/", views.nomination_list, name="list"),
    path("progress/", views.progress, name="progress"),
    path("progress.xlsx", views.progress_export, name="progress_export"),
    path("<int:pk>/", views.nomination_detail, name="detail"),
    path("<int:pk>/certificate.pdf", views.nomination_certificate, name="certificate"),
    path("<int:pk>/<str:action>/", views.nomination_change, name="change"),
]
