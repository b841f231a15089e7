"""What every ombud admin page shares: changes made here are audited, records are only read, and
nothing is deleted (history is never overwritten; a user is deactivated, not removed)."""

from __future__ import annotations

from typing import Any, TypeVar

import django_stubs_ext
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db.models import Model, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest

from ombud.accounts.scope import scope_for
from ombud.audit.services import audit_record_now

# The admin classes below are generic for mypy; this lets ``ModelAdmin[Unit]`` run as well.
django_stubs_ext.monkeypatch()

_M = TypeVar("_M", bound=Model)


class AuditedAdmin(admin.ModelAdmin[_M]):
    """Configuration (units, officers, users, categories, rules) may be edited here; each addition
    and change also lands in the audit chain, not only in Django's own admin log."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def log_addition(self, request: HttpRequest, obj: _M, message: Any) -> LogEntry:
        audit_record_now(actor=request.user, action="admin.add", obj=obj)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: _M, message: Any) -> LogEntry:
        audit_record_now(
            actor=request.user, action="admin.change", obj=obj, data={"changed": changed_fields(message)}
        )
        return super().log_change(request, obj, message)


def changed_fields(message: Any) -> list[str]:
    """The names of the fields an admin change touched (from Django's change message; the values
    are not kept: the audit chain holds no personal data), an inline's as "<model> <added|changed>: <fields>"."""
    if not isinstance(message, list):
        return []
    names: list[str] = []
    for part in message:
        for kind, detail in part.items() if isinstance(part, dict) else ():
            fields = [str(f) for f in detail.get("fields", ())]
            if "name" in detail:
                names.append(f"{detail['name']} {kind}" + (f": {', '.join(fields)}" if fields else ""))
            else:
                names.extend(fields)
    return names


class ReadOnlyAdmin(admin.ModelAdmin[_M]):
    """Records (complaints, cases, evidence, measures, alerts, the audit log) are written only by
    their services, which enforce four eyes, due process and the audit chain; here they are read."""

    # The field naming the officer a record is about: an administrator who is himself an officer
    # does not read here his own measures, scores and alerts (his supervisors' tools, or not yet
    # notified to him).
    about_officer: str | None = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[_M]:
        records = super().get_queryset(request)
        own = scope_for(request.user).own_officer_id
        if self.about_officer is None or own is None:
            return records
        return records.exclude(**{f"{self.about_officer}_id": own})

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        """A list is filtered only by what the admin shows: a filter on a field it keeps out (a
        complaint's account, whether it has a complainant, who handed in evidence) would read the
        field a letter at a time (``?description__icontains=...``) or tell one record from another."""
        name = lookup.split(LOOKUP_SEP)[0]
        hidden = {field.name for field in self.model._meta.get_fields()} - self._shown(request) - {"id", "pk"}
        return name not in hidden and super().lookup_allowed(lookup, value, request)

    def _shown(self, request: HttpRequest | None) -> set[str]:
        fields = self.get_fields(request) if request is not None else list(self.fields or [])
        shown = {name for name in fields if isinstance(name, str)}
        shown |= {name for name in self.list_display if isinstance(name, str)}
        for entry in self.list_filter:
            if isinstance(entry, str):
                shown.add(entry)
            elif isinstance(entry, tuple) and isinstance(entry[0], str):
                shown.add(entry[0])
        if self.date_hierarchy:
            shown.add(self.date_hierarchy.split(LOOKUP_SEP)[0])
        return shown


class ReadOnlyInline(admin.TabularInline[Any, Any]):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
