from django.contrib import admin

from .models import Participant, Relationship, RelationshipEvent


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ["user"]


class EventInline(admin.TabularInline):
    model = RelationshipEvent
    extra = 0
    readonly_fields = ["from_status", "to_status", "actor", "note", "created_at"]


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    list_display = ["__str__", "program", "cohort", "kind", "status", "started_on"]
    list_filter = ["status", "kind", "program"]
    inlines = [ParticipantInline, EventInline]
