from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__email", "hint"]
    list_select_related = ["user__profile"]
    raw_id_fields = ["user"]
    readonly_fields = ["token_hash", "hint", "created_at", "last_used_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        # A token is issued from the member's token page, where its value is shown once.
        return False
