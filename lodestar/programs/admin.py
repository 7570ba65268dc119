from django.contrib import admin

from .models import (
    Cohort,
    Coordinator,
    IntakeAnswer,
    IntakeQuestion,
    Invitation,
    Membership,
    MembershipTransition,
    Milestone,
    OnboardingCompletion,
    OnboardingItem,
    Program,
    Track,
)


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0


class CoordinatorInline(admin.TabularInline):
    model = Coordinator
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "admission"]
    list_filter = ["status", "admission"]
    search_fields = ["name", "slug"]
    inlines = [TrackInline, CoordinatorInline]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "starts_on", "ends_on"]
    list_filter = ["program"]
    inlines = [MilestoneInline]


class TransitionInline(admin.TabularInline):
    model = MembershipTransition
    extra = 0
    raw_id_fields = ["actor"]
    readonly_fields = ["from_status", "to_status", "actor", "note", "created_at"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "cohort", "role", "status", "created_at"]
    list_filter = ["status", "role", "program"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
    list_select_related = ["user__profile", "program", "cohort"]
    inlines = [TransitionInline]


for model in (
    Track,
    Milestone,
    IntakeQuestion,
    IntakeAnswer,
    OnboardingItem,
    OnboardingCompletion,
    Invitation,
    MembershipTransition,
    Coordinator,
):
    admin.site.register(model)
