from django.contrib import admin

from .models import ApiKey, ServiceRequest


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Read-only: keys are created and revoked with `gongzhi apikey` (the key is shown once)."""

    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("name", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)

    def has_add_permission(self, request):
        return False


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    list_display = ("case", "api_key", "account_id", "created_at")
    readonly_fields = (
        "case",
        "api_key",
        "token",
        "account_id",
        "device_id",
        "media_url",
        "address_id",
        "created_at",
    )
    exclude = ("email_enc",)

    def has_add_permission(self, request):
        return False
