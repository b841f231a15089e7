"""Admin for directives and meetings: read-only; the reviews services compile agendas and track
compliance."""

from __future__ import annotations

from django.contrib import admin

from ombud.core.admin import ReadOnlyAdmin, ReadOnlyInline
from ombud.reviews.models import AgendaItem, Attendance, Directive, DirectiveTarget, Meeting, Resolution


class DirectiveTargetInline(ReadOnlyInline):
    model = DirectiveTarget
    fields = ["unit", "state", "late"]


@admin.register(Directive)
class DirectiveAdmin(ReadOnlyAdmin[Directive]):
    list_display = ["title", "body", "meeting_kind", "issued_at", "due_on"]
    list_select_related = ["body"]
    inlines = [DirectiveTargetInline]


class AttendanceInline(ReadOnlyInline):
    model = Attendance
    fields = ["officer", "present", "note"]


class AgendaItemInline(ReadOnlyInline):
    model = AgendaItem
    fields = ["position", "officer", "statement", "criticisms"]


class ResolutionInline(ReadOnlyInline):
    model = Resolution
    fields = ["agenda_item", "text", "measure"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin[Meeting]):
    list_display = ["title", "kind", "unit", "body", "starts_on", "held_at", "signed_off_at"]
    list_filter = ["kind"]
    list_select_related = ["unit", "body"]
    inlines = [AttendanceInline, AgendaItemInline, ResolutionInline]
