"""Admin: classifier versions (held-out accuracy, confusion matrix, roll back), the
early-warning rules (thresholds as data) and, read-only, the alerts."""

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Alert, AlertRule, ModelVersion
from .services import model_version_activate


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "created_at",
        "active",
        "accuracy_pct",
        "leaf_accuracy_pct",
        "trained_on",
        "heldout_size",
        "train_seconds",
        "size_bytes",
        "source",
    )
    list_filter = ("active",)
    actions = ["activate"]
    exclude = ("artefact",)
    readonly_fields = (
        "number",
        "created_at",
        "source",
        "trained_on",
        "heldout_size",
        "accuracy",
        "leaf_accuracy",
        "confusion_table",
        "classes",
        "params",
        "train_seconds",
        "peak_memory_mb",
        "size_bytes",
        "active",
        "activated_at",
        "activated_by",
    )
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("artefact")

    def has_add_permission(self, request):
        return False  # versions come from training (task or `gongzhi intel_train`)

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("留出准确率(一级)"), ordering="accuracy")
    def accuracy_pct(self, obj):
        return "—" if obj.accuracy is None else f"{obj.accuracy:.1%}"

    @admin.display(description=gettext_lazy("留出准确率(具体类别)"))
    def leaf_accuracy_pct(self, obj):
        return "—" if obj.leaf_accuracy is None else f"{obj.leaf_accuracy:.1%}"

    @admin.display(description=gettext_lazy("混淆矩阵(行:实际,列:预测)"))
    def confusion_table(self, obj):
        if not obj.labels:
            return "—"
        head = format_html_join("", "<th>{}</th>", ((c,) for c in obj.labels))
        rows = format_html_join(
            "",
            "<tr><th>{}</th>{}</tr>",
            (
                (label, format_html_join("", "<td>{}</td>", ((n,) for n in row)))
                for label, row in zip(obj.labels, obj.confusion, strict=False)
            ),
        )
        return format_html('<table id="confusion"><tr><th></th>{}</tr>{}</table>', head, rows)

    @admin.action(description=gettext_lazy("启用所选版本(回滚)"))
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("请只选择一个版本"), messages.ERROR)
            return
        version = model_version_activate(by=request.user, version=queryset.get())
        self.message_user(request, _("已启用模型 v%(n)s") % {"n": version.number})


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = (
        "kind",
        "enabled",
        "severity",
        "window_days",
        "baseline_days",
        "min_count",
        "threshold",
        "grid_level",
    )
    readonly_fields = ("kind",)

    def has_add_permission(self, request):
        return False  # one row per kind, made by a migration

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Read-only: alerts are handled on their own pages, by the responsible roles."""

    list_display = ("created_at", "kind", "severity", "grid", "state")
    list_filter = ("kind", "state", "severity")
    list_select_related = ("grid",)
    exclude = ("cases",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
