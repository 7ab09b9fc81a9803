"""Admin for the hall's configuration and publicity content. Tickets and visits are worked
through the hall pages (their services check scope and write the queue safely)."""

from django.contrib import admin

from .models import FAQ, PolicyArticle, Service, Window


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("center", "prefix", "name", "active")
    list_filter = ("active",)


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ("center", "name", "active")
    filter_horizontal = ("services",)


@admin.register(PolicyArticle)
class PolicyArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "published", "published_at")
    search_fields = ("title", "body")


@admin.register(FAQ)
class FAQAdmin(admin.ModelAdmin):
    list_display = ("question", "order", "published")
