app_name = "nominations"
urlpatterns: list = []
