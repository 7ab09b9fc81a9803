"""Admin for organisations. Members (with encrypted phones) are managed on the room's pages."""

from django.contrib import admin

from .models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "center", "active")
    list_filter = ("kind", "active")
    search_fields = ("name",)
