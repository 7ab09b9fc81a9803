"""People admin: read-only and masked. Registration and edits go through the staff pages,
whose services encrypt identifiers and check scope; the admin never shows id_number_enc."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from gongzhi.core.masking import mask_address
from gongzhi.people.models import Household, Resident, ResidentTag


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("id", "masked_address", "unit_code", "member_count", "is_synthetic")
    list_filter = ("is_synthetic",)
    search_fields = ("^unit__code",)
    list_select_related = ("unit",)
    fields = ("unit", "house_number", "is_synthetic", "created_at")
    list_per_page = 100
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_members=Count("members"))

    @admin.display(description=_("住址"))
    def masked_address(self, obj):
        return mask_address(obj.address)

    @admin.display(description=_("网格编码"), ordering="unit__code")
    def unit_code(self, obj):
        return obj.unit.code

    @admin.display(description=_("人数"), ordering="n_members")
    def member_count(self, obj):
        return obj.n_members


class ResidentTagInline(admin.TabularInline):
    model = ResidentTag
    fields = ("tag", "kind", "note", "created_at")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Resident)
class ResidentAdmin(ReadOnlyAdmin):
    list_display = (
        "masked_name",
        "masked_id_number",
        "masked_phone",
        "gender",
        "kind",
        "grid_code",
        "is_synthetic",
    )
    list_filter = ("kind", "gender", "is_synthetic")
    search_fields = ("^name",)  # a typed name finds the row; the list still shows it masked
    list_select_related = ("grid",)
    # Only masked identifiers; name, birth date and the encrypted columns stay out.
    fields = (
        "masked_name",
        "masked_id_number",
        "masked_phone",
        "gender",
        "kind",
        "relation",
        "household",
        "grid",
        "is_synthetic",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields
    inlines = (ResidentTagInline,)
    list_per_page = 100
    show_full_result_count = False

    @admin.display(description=_("姓名"))
    def masked_name(self, obj):
        return obj.masked_name

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, obj):
        return obj.masked_id_number

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj):
        return obj.masked_phone

    @admin.display(description=_("网格编码"), ordering="grid__code")
    def grid_code(self, obj):
        return obj.grid.code
