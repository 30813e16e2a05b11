
app_name = "quizzes"
urlpatterns: list = [
    # Quiz pages (start, answer, submit, review) arrive with issue 3.
]
