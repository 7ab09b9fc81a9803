from django.urls import path, re_path, register_converter

from . import views


class FormatConverter:
    regex = "xml|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "o311fmt")

app_name = "open311"
urlpatterns = [
    path("", views.unknown, name="root"),
    path("discovery.<o311fmt:fmt>", views.discovery, name="discovery"),
    path("services.<o311fmt:fmt>", views.services, name="services"),
    path("services/<str:code>.<o311fmt:fmt>", views.service_definition, name="service"),
    path("requests.<o311fmt:fmt>", views.requests, name="requests"),
    path("requests/<str:number>.<o311fmt:fmt>", views.request_detail, name="request"),
    path("tokens/<str:token>.<o311fmt:fmt>", views.token, name="token"),
    # Anything else: 404 in the spec's error format (JSON when the path asks for it).
    re_path(r"^.*\.(?P<fmt>json)$", views.unknown),
    re_path(r"^.*$", views.unknown),
]
