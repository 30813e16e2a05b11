
app_name = "courses"
urlpatterns: list = [
    # Learner pages (my courses, course, lessons) arrive with issue 3.
]
