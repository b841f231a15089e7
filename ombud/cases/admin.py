"""Admin for cases: read-only. Findings need four eyes and evidence never changes once added, so
every write goes through the cases services."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ombud.accounts.scope import scope_for
from ombud.cases.models import Allegation, Case, CustodyEntry, EvidenceItem
from ombud.core.admin import ReadOnlyAdmin, ReadOnlyInline


class AllegationInline(ReadOnlyInline):
    model = Allegation
    fields = ["officer", "official", "category", "occurred_on", "proposed_finding", "finding", "decided_at"]


def _cases_about_himself(request: HttpRequest) -> QuerySet[Case] | None:
    """The cases about the administrator himself, where he is an officer too: he never reads them."""
    own = scope_for(request.user).own_officer_id
    if own is None:
        return None
    return Case.objects.filter(Q(allegations__officer_id=own) | Q(complaints__subjects__officer_id=own))


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
        cases, his = super().get_queryset(request), _cases_about_himself(request)
        return cases if his is None else cases.exclude(pk__in=his.values("pk"))


@admin.register(Allegation)
class AllegationAdmin(ReadOnlyAdmin[Allegation]):
    list_display = ["case", "officer", "official", "category", "occurred_on", "finding", "decided_at"]
    list_filter = ["finding", "category"]
    list_select_related = ["case", "officer", "official", "category"]
    search_fields = ["case__number", "officer__last_name", "officer__badge"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Allegation]:
        allegations, his = super().get_queryset(request), _cases_about_himself(request)
        return allegations if his is None else allegations.exclude(case__in=his.values("pk"))


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
        items, his = super().get_queryset(request), _cases_about_himself(request)
        return items if his is None else items.exclude(case__in=his.values("pk"))

    inlines = [CustodyInline]
