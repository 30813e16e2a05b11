from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("", views.my_courses, name="my_courses"),
    path("<slug:slug>/", views.course_detail, name="course"),
    path("<slug:slug>/lessons/<int:position>/", views.lesson_detail, name="lesson"),
    # Stored files only through the view that checks the course access (core.files).
    path(
        "<slug:slug>/lessons/<int:position>/<str:kind>/",
        views.lesson_file,
        name="lesson_file",
    ),
]
