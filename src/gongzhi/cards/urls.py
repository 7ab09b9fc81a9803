from django.urls import path

from gongzhi.cards import views

app_name = "cards"
urlpatterns = [
    path("", views.print_start, name="print"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/cards.pdf", views.download, name="download"),
]
