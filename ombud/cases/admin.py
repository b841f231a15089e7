"""Admin for cases: read-only. Findings need four eyes and evidence never changes once added, so
every write goes through the cases services."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ombud.accounts.scope import scope_for
from ombud.cases.models import Allegation, Case, CustodyEntry, EvidenceItem
from ombud.cases.selectors import cases_without_conflicts
from ombud.core.admin import ReadOnlyAdmin, ReadOnlyInline


class AllegationInline(ReadOnlyInline):
    model = Allegation
    fields = ["officer", "official", "category", "occurred_on", "proposed_finding", "finding", "decided_at"]


def _cases_readable(request: HttpRequest) -> QuerySet[Case]:
    """An administrator who is himself an officer reads here no case the site would not show him:
    about himself, his unit, those he supervises or was named with."""
    return cases_without_conflicts(Case.objects.all(), scope_for(request.user))


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin[Case]):
    list_display = ["number", "title", "body", "status", "opened_at", "closed_at"]
    list_filter = ["status"]
    list_select_related = ["body"]
    search_fields = ["number", "title"]
    date_hierarchy = "opened_at"
    exclude = ["complaints"]
    inlines = [AllegationInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        return cases_without_conflicts(super().get_queryset(request), scope_for(request.user))


@admin.register(Allegation)
class AllegationAdmin(ReadOnlyAdmin[Allegation]):
    list_display = ["case", "officer", "official", "category", "occurred_on", "finding", "decided_at"]
    list_filter = ["finding", "category"]
    list_select_related = ["case", "officer", "official", "category"]
    search_fields = ["case__number", "officer__last_name", "officer__badge"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Allegation]:
        return super().get_queryset(request).filter(case__in=_cases_readable(request).values("pk"))


# Who handed an item in may be the complainant or a witness, whom an administrator does not read (the
# case page shows them to the case's investigators and heads): neither the item's source nor its
# custody entries' parties are shown here.
class CustodyInline(ReadOnlyInline):
    model = CustodyEntry
    fields = ["action", "at", "actor", "note"]


@admin.register(EvidenceItem)
class EvidenceItemAdmin(ReadOnlyAdmin[EvidenceItem]):
    # Who handed the item in, and the file's own name (often a witness's), are read by the body's
    # investigators and heads on the case page, not by the administrators.
    exclude = ["received_from", "name"]
    readonly_fields = ["neutral_name"]

    @admin.display(description=_("file name"))
    def neutral_name(self, item: EvidenceItem) -> str:
        return item.neutral_name

    list_display = ["neutral_name", "case", "sha256", "size", "added_at"]
    list_select_related = ["case"]
    search_fields = ["sha256", "case__number"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[EvidenceItem]:
        return super().get_queryset(request).filter(case__in=_cases_readable(request).values("pk"))

    inlines = [CustodyInline]
