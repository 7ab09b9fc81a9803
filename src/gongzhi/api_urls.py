"""/api/v1/: the internal REST API. Each app registers its viewsets here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from gongzhi.cases.api import CaseViewSet, CategoryViewSet
from gongzhi.grids.api import GridViewSet
from gongzhi.hotline.api import HotlineIncomingViewSet
from gongzhi.intel.api import AlertViewSet, SuggestView
from gongzhi.org.api import WorkerViewSet
from gongzhi.people.api import HouseholdViewSet, ResidentViewSet

router = DefaultRouter()
router.register("grids", GridViewSet, basename="grid")
router.register("residents", ResidentViewSet, basename="resident")
router.register("households", HouseholdViewSet, basename="household")
router.register("workers", WorkerViewSet, basename="worker")
router.register("cases", CaseViewSet, basename="case")
router.register("case-categories", CategoryViewSet, basename="case-category")
router.register("hotline/incoming", HotlineIncomingViewSet, basename="hotline-incoming")
router.register("alerts", AlertViewSet, basename="alert")

# Before the router: "suggest" is no case number, but keep it out of the cases/ look-ups.
urlpatterns = [path("cases/suggest/", SuggestView.as_view(), name="case-suggest"), *router.urls]
