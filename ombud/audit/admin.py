"""The audit log in the admin: read, never written (``ombud audit verify`` would catch an edit)."""

from __future__ import annotations

from django.contrib import admin

from ombud.audit.models import AuditEntry
from ombud.core.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin[AuditEntry]):
    list_display = ["seq", "at", "actor_id", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "object_type", "object_id"]
    date_hierarchy = "at"
