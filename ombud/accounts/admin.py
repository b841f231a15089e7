"""Admin for users and the roles they hold."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy

from ombud.accounts.models import Membership, User
from ombud.core.admin import AuditedAdmin, ReadOnlyAdmin


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    can_delete = False
    fields = ["role", "body", "unit", "start_on", "end_on"]
    raw_id_fields = ["body", "unit"]


@admin.register(User)
class UserAdmin(AuditedAdmin[User], DjangoUserAdmin[User]):
    list_display = ["username", "first_name", "last_name", "officer", "is_active", "is_staff"]
    raw_id_fields = ["officer"]
    inlines = [MembershipInline]
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (_("Officer record"), {"fields": ["officer"]}))


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin[Membership]):
    list_display = ["user", "role", "body", "unit", "start_on", "end_on"]
    list_filter = ["role"]
    raw_id_fields = ["user", "body", "unit"]
    search_fields = ["user__username"]


# Roles are memberships of a body or a unit (above), never Django's groups: the groups page would
# grant permissions past the audit chain. API tokens are credentials: the admin lists who holds one
# and since when, never the key, and issues none (``ombud token create`` does, audited).
admin.site.unregister(Group)
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(ReadOnlyAdmin[TokenProxy]):
    list_display = ["user", "created"]
    # A token's primary key is the key itself: no link, and no page of its own, would show it.
    list_display_links = None
    fields = ["user", "created"]
    search_fields = ["user__username"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_view_permission(request, obj)
