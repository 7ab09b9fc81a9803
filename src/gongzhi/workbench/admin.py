from django.contrib import admin

from .models import ChecklistItem, DiaryEntry, InspectionChecklist, WorkerScoreRule


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1


@admin.register(InspectionChecklist)
class InspectionChecklistAdmin(admin.ModelAdmin):
    list_display = ("place_type", "category_code", "active")
    inlines = [ChecklistItemInline]


@admin.register(WorkerScoreRule)
class WorkerScoreRuleAdmin(admin.ModelAdmin):
    list_display = ("event", "points")
    list_editable = ("points",)


@admin.register(DiaryEntry)
class DiaryEntryAdmin(admin.ModelAdmin):
    list_display = ("date", "worker", "grid", "role", "duty", "is_public")
    list_filter = ("role", "duty", "is_public")
    raw_id_fields = ("worker", "grid", "residents_met", "households_met")
