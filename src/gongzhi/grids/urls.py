from django.urls import path

from gongzhi.grids import boundary_views, map_views, views

app_name = "grids"
urlpatterns = [
    path("", views.grid_tree, name="tree"),
    path("<int:pk>/", views.grid_tree, name="detail"),
    path("outlines.geojson", map_views.grid_outlines, name="outlines"),
    path("locate.json", map_views.grid_locate, name="locate"),
    path("boundaries/import/", boundary_views.boundary_import, name="boundary_import"),
    path(
        "boundaries/import/<int:pk>/",
        boundary_views.boundary_import_detail,
        name="boundary_import_detail",
    ),
    path(
        "boundaries/import/<int:pk>/boundaries.geojson",
        boundary_views.boundary_import_geojson,
        name="boundary_import_geojson",
    ),
    path(
        "boundaries/import/<int:pk>/confirm/",
        boundary_views.boundary_import_confirm,
        name="boundary_import_confirm",
    ),
]
