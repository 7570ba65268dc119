from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import (
    AvailabilityWindow,
    DemographicAnswer,
    DemographicQuestion,
    Profile,
    ProfileLanguage,
    Skill,
    SkillCategory,
    SkillSuggestion,
    User,
    UserSkill,
)


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "profile__display_name"]
    inlines = [ProfileInline]
    fieldsets = [
        (None, {"fields": ["email", "password", "time_zone"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["name", "synonyms"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SkillSuggestion)
class SkillSuggestionAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "suggested_by", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["suggested_by", "reviewed_by", "skill"]


@admin.register(UserSkill)
class UserSkillAdmin(admin.ModelAdmin):
    list_display = ["user", "skill", "kind", "level", "target_level"]
    list_filter = ["kind"]
    raw_id_fields = ["user", "skill"]


@admin.register(DemographicQuestion)
class DemographicQuestionAdmin(admin.ModelAdmin):
    list_display = ["label", "key", "order", "is_active"]


@admin.register(DemographicAnswer)
class DemographicAnswerAdmin(admin.ModelAdmin):
    # Individual answers are never listed, even to admins: only the count is visible.
    def has_view_permission(self, request, obj=None):
        return False


admin.site.register(SkillCategory)
admin.site.register(ProfileLanguage, raw_id_fields=["user"])
admin.site.register(AvailabilityWindow, raw_id_fields=["user"])
