from django.urls import path

from gongzhi.grids.views import boundaries, maps, tree

app_name = "grids"
urlpatterns = [
    path("", tree.grid_tree, name="tree"),
    path("<int:pk>/", tree.grid_tree, name="detail"),
    path("outlines.geojson", maps.grid_outlines, name="outlines"),
    path("locate.json", maps.grid_locate, name="locate"),
    path("boundaries/import/", boundaries.boundary_import, name="boundary_import"),
    path(
        "boundaries/import/<int:pk>/",
        boundaries.boundary_import_detail,
        name="boundary_import_detail",
    ),
    path(
        "boundaries/import/<int:pk>/boundaries.geojson",
        boundaries.boundary_import_geojson,
        name="boundary_import_geojson",
    ),
    path(
        "boundaries/import/<int:pk>/confirm/",
        boundaries.boundary_import_confirm,
        name="boundary_import_confirm",
    ),
]
