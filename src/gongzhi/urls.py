from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from gongzhi.cases import urls as cases_urls
from gongzhi.core.views import healthz, landing, metrics, nav_counts, readyz
from gongzhi.people import urls as people_urls

admin.site.site_header = "共治 管理后台"
admin.site.site_title = "共治"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    # The machine interfaces first: Django tries the prefixes in order, and these carry the
    # most requests per second (issue 19). No other prefix overlaps them.
    path("open311/v2/", include("gongzhi.open311.urls")),
    path("api/v1/", include("gongzhi.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("start/", landing, name="landing"),
    path("nav/counts/", nav_counts, name="nav_counts"),
    path("grids/", include("gongzhi.grids.urls")),
    # An app with pages under several prefixes has one urls.py with a pattern list and a
    # namespace per prefix (people_io, consultations, kpis).
    path("people/io/", include((people_urls.io_patterns, "people_io"))),
    path("people/", include("gongzhi.people.urls")),
    path("cases/", include("gongzhi.cases.urls")),
    path("consultations/", include((cases_urls.consultation_patterns, "consultations"))),
    path("kpis/", include((cases_urls.kpi_patterns, "kpis"))),
    path("mediation/", include("gongzhi.mediation.urls")),
    path("counseling/", include("gongzhi.counseling.urls")),
    path("care/", include("gongzhi.care.urls")),
    path("deliberation/", include("gongzhi.deliberation.urls")),
    path("hall/", include("gongzhi.hall.urls")),
    path("liaison/", include("gongzhi.liaison.urls")),
    path("social/", include("gongzhi.social.urls")),
    path("dashboards/", include("gongzhi.dashboards.urls")),
    path("command/", include("gongzhi.command.urls")),
    path("workbench/", include("gongzhi.workbench.urls")),
    path("realtime/", include("gongzhi.realtime.urls")),
    path("cards/", include("gongzhi.cards.urls")),
    path("intel/", include("gongzhi.intel.urls")),
    path("org/", include("gongzhi.org.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("", include("gongzhi.hotline.urls")),
    path("", include("gongzhi.portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# An outage raised in a middleware (sessions, authentication) is a 503 too (core/outage.py).
handler500 = "gongzhi.core.outage.server_error"
# The site's Chinese error pages (templates/404.html, 403.html; 400.html and 500.html too).
handler404 = "gongzhi.core.errors.page_not_found"
handler403 = "gongzhi.core.errors.permission_denied"
