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
]
