from django.urls import path

from gongzhi.people import io_views

app_name = "people_io"
urlpatterns = [
    path("import/", io_views.import_start, name="import"),
    path("import/<int:pk>/", io_views.import_job, name="import_job"),
    path("import/<int:pk>/errors.xlsx", io_views.import_errors, name="import_errors"),
    path("template.xlsx", io_views.template, name="template"),
    path("export/residents.xlsx", io_views.export_residents, name="export_residents"),
    path("export/households.xlsx", io_views.export_households, name="export_households"),
]
