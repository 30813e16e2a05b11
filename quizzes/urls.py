from django.urls import path

from . import views

app_name = "quizzes"
urlpatterns = [
    path("<int:version_id>/", views.quiz_start, name="start"),
    path("<int:version_id>/start/", views.attempt_begin, name="begin"),
    path("attempt/<int:attempt_id>/", views.attempt_page, name="attempt"),
    path("attempt/<int:attempt_id>/answers/<int:item_id>/", views.answer_save, name="answer"),
    path("attempt/<int:attempt_id>/result/", views.attempt_result, name="result"),
    path("attempt/<int:attempt_id>/review/", views.attempt_review, name="review"),
    path("attempt/<int:attempt_id>/submit/", views.attempt_submit_confirm, name="submit"),
    # The Office: extra attempts for a person.
    path("grant/<int:staff_id>/<slug:course_slug>/", views.attempt_grant_page, name="grant"),
]
