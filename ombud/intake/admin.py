"""Admin for intake. Complaints are read here, never edited or deleted: nothing a complainant
submits is lost. The complainant's identity, the receipt digest and the free-text account stay out
of the admin altogether (complainants are not even registered)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from ombud.accounts.scope import scope_for
from ombud.core.admin import AuditedAdmin, ReadOnlyAdmin, ReadOnlyInline
from ombud.intake.models import Category, Complaint, ComplaintEvent, ComplaintSubject
from ombud.intake.selectors import without_conflicts


@admin.register(Category)
class CategoryAdmin(AuditedAdmin[Category]):
    list_display = ["name", "code", "is_bribery", "ordering"]


class ComplaintSubjectInline(ReadOnlyInline):
    model = ComplaintSubject
    fields = ["kind", "officer", "official", "unit"]


class ComplaintEventInline(ReadOnlyInline):
    model = ComplaintEvent
    fields = ["kind", "at", "body"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin[Complaint]):
    list_display = ["reference", "received_at", "channel", "status", "routed_to", "escalations"]
    list_filter = ["status", "channel"]
    list_select_related = ["routed_to"]
    search_fields = ["reference"]
    date_hierarchy = "received_at"
    fields = [
        "reference",
        "received_at",
        "occurred_on",
        "place",
        "channel",
        "status",
        "categories",
        "addressee",
        "routed_to",
        "ack_due_at",
        "action_due_at",
        "acknowledged_at",
        "closed_at",
        "escalations",
        "source",
        "external_id",
    ]
    inlines = [ComplaintSubjectInline, ComplaintEventInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Complaint]:
        # An administrator who is himself an officer reads here no complaint the site would not show
        # him: about himself, his unit, those he supervises or was named with.
        return without_conflicts(super().get_queryset(request), scope_for(request.user))
