from django.urls import path

from . import views

app_name = "orgchart"
urlpatterns = [
    path("people/", views.people_list, name="people"),
    path("people/<int:staff_id>/", views.person_detail, name="person"),
]
