"""The people app's pages under two prefixes: `people:` (the registry, under people/) and
`people_io:` (import and export, under people/io/); gongzhi/urls.py includes each list."""

from django.urls import path

from gongzhi.people.views import import_export, registry

app_name = "people"
urlpatterns = [
    path("residents/", registry.resident_list, name="resident_list"),
    path("residents/<int:pk>/", registry.resident_detail, name="resident_detail"),
    path("residents/<int:pk>/reveal/", registry.resident_reveal_view, name="resident_reveal"),
    path("residents/<int:pk>/edit/", registry.resident_edit_view, name="resident_edit"),
    path("households/new/", registry.household_create_view, name="household_create"),
    path("households/<int:pk>/", registry.household_detail, name="household_detail"),
    path(
        "households/<int:household_pk>/residents/new/",
        registry.resident_create_view,
        name="resident_create",
    ),
]

# Included as ("people/io/", namespace "people_io").
io_patterns = [
    path("import/", import_export.import_start, name="import"),
    path("import/<int:pk>/", import_export.import_job, name="import_job"),
    path("import/<int:pk>/errors.xlsx", import_export.import_errors, name="import_errors"),
    path("template.xlsx", import_export.template, name="template"),
    path("export/residents.xlsx", import_export.export_residents, name="export_residents"),
    path("export/households.xlsx", import_export.export_households, name="export_households"),
]
