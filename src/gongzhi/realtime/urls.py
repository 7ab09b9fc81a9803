app_name = "realtime"
urlpatterns: list = []
