from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern

from .holidays import MAX_FILE_BYTES as MAX_HOLIDAY_UPLOAD
from .models import (
    Case,
    CaseEvent,
    Category,
    Holiday,
    Notification,
    OutboundMessage,
    TimeLimitPolicy,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "active", "order")
    list_filter = ("active", "parent")
    search_fields = ("code", "name")


@admin.register(TimeLimitPolicy)
class TimeLimitPolicyAdmin(admin.ModelAdmin):
    list_display = ("version", "phase", "category", "urgency", "level", "yellow", "red", "unit")
    list_filter = ("version", "phase", "unit")


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "is_workday")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    change_list_template = "admin/cases/holiday/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        from django.urls import path

        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="cases_holiday_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a CSV/XLSX of one or more years (date, name, 调休上班); one transaction."""
        from django.contrib import messages
        from django.core.exceptions import PermissionDenied, ValidationError
        from django.shortcuts import redirect
        from django.template.response import TemplateResponse
        from django.utils.translation import gettext as _

        from .holidays import holidays_replace, parse_holiday_file

        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            upload = request.FILES.get("file")
            try:
                if upload is None:
                    raise ValidationError(_("请选择文件"))
                data = upload.read(MAX_HOLIDAY_UPLOAD + 1)
                count = holidays_replace(rows=parse_holiday_file(data))
            except ValidationError as exc:
                messages.error(request, ";".join(exc.messages))
            else:
                messages.success(request, _("已导入%(n)d天") % {"n": count})
                return redirect("admin:cases_holiday_changelist")
        ctx = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("导入节假日"),
        }
        return TemplateResponse(request, "admin/cases/holiday/import.html", ctx)


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "action", "from_state", "to_state", "comment", "data")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: every change goes through the workflow services."""

    list_display = ("number", "title", "state", "owning_level", "supervision", "overdue")
    list_filter = ("state", "supervision", "overdue", "channel")
    search_fields = ("number", "title")
    inlines = [CaseEventInline]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "title", "created_at", "read_at")


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ("channel", "to", "template", "status", "created_at", "sent_at")
    list_filter = ("channel", "status")
