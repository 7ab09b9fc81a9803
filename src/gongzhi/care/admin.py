from django.contrib import admin

from .models import VisitFrequency


@admin.register(VisitFrequency)
class VisitFrequencyAdmin(admin.ModelAdmin):
    """The configurable table of visit frequencies per care category."""

    list_display = ("tag", "interval_days")
