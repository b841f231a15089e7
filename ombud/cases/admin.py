"""Admin for cases: read-only. Findings need four eyes and evidence never changes once added, so
every write goes through the cases services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from ombud.cases.models import Allegation, Case, CustodyEntry, EvidenceItem
from ombud.core.admin import ReadOnlyAdmin, ReadOnlyInline


class AllegationInline(ReadOnlyInline):
    model = Allegation
    fields = ["officer", "official", "category", "occurred_on", "proposed_finding", "finding", "decided_at"]


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin[Case]):
    list_display = ["number", "title", "body", "status", "opened_at", "closed_at"]
    list_filter = ["status"]
    list_select_related = ["body"]
    search_fields = ["number", "title"]
    date_hierarchy = "opened_at"
    exclude = ["complaints"]
    inlines = [AllegationInline]


@admin.register(Allegation)
class AllegationAdmin(ReadOnlyAdmin[Allegation]):
    list_display = ["case", "officer", "official", "category", "occurred_on", "finding", "decided_at"]
    list_filter = ["finding", "category"]
    list_select_related = ["case", "officer", "official", "category"]
    search_fields = ["case__number", "officer__last_name", "officer__badge"]


# Who handed an item in may be the complainant or a witness, whom an administrator does not read (the
# case page shows them to the case's investigators and heads): neither the item's source nor its
# custody entries' parties are shown here.
class CustodyInline(ReadOnlyInline):
    model = CustodyEntry
    fields = ["action", "at", "actor", "note"]


@admin.register(EvidenceItem)
class EvidenceItemAdmin(ReadOnlyAdmin[EvidenceItem]):
    exclude = ["received_from"]

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # A filter on the hidden source (?received_from__startswith=...) would spell it out letter by letter.
        if lookup.split("__")[0] == "received_from":
            return False
        return super().lookup_allowed(lookup, value, request)

    list_display = ["name", "case", "sha256", "size", "added_at"]
    list_select_related = ["case"]
    search_fields = ["sha256", "name", "case__number"]
    inlines = [CustodyInline]
