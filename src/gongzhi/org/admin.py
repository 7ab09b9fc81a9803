from django.contrib import admin

from gongzhi.org.models import Center, Department, GridAssignment, Room, Staff
from gongzhi.org.services import center_create


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0
    fields = ("kind", "name")
    readonly_fields = ("kind",)

    def has_add_permission(self, request, obj=None):
        return False  # every center has exactly the hall and five rooms


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "grid", "duty_phone", "hotline", "is_synthetic")
    list_filter = ("level", "is_synthetic")
    search_fields = ("name", "^grid__code")
    list_select_related = ("grid",)
    raw_id_fields = ("grid",)
    inlines = (RoomInline, DepartmentInline)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # center_create also builds the hall, five rooms and stationed departments.
        extra = {f: form.cleaned_data[f] for f in ("address", "duty_phone", "hotline")}
        created = center_create(
            grid=obj.grid, name=obj.name, level=obj.level, synthetic=obj.is_synthetic, **extra
        )
        obj.pk = created.pk
        obj.refresh_from_db()


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "center")
    list_filter = ("kind",)
    search_fields = ("name", "center__name")
    list_select_related = ("center",)

    def has_add_permission(self, request):
        return False


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "center")
    list_filter = ("kind",)
    search_fields = ("name", "center__name")
    list_select_related = ("center",)


class GridAssignmentInline(admin.TabularInline):
    model = GridAssignment
    extra = 0
    raw_id_fields = ("grid",)


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "center", "phone", "full_time", "active", "is_synthetic")
    list_filter = ("role", "full_time", "active", "is_synthetic")
    search_fields = ("name", "user__username", "phone")
    list_select_related = ("center",)
    raw_id_fields = ("user", "center", "room", "department")
    inlines = (GridAssignmentInline,)
    list_per_page = 100
    show_full_result_count = False


@admin.register(GridAssignment)
class GridAssignmentAdmin(admin.ModelAdmin):
    list_display = ("staff", "grid", "duty")
    list_filter = ("duty",)
    search_fields = ("staff__name", "^grid__code")
    list_select_related = ("staff", "grid")
    raw_id_fields = ("staff", "grid")
    list_per_page = 100
    show_full_result_count = False
