"""Admin for users and the roles they hold."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from ombud.accounts.models import Membership, User
from ombud.core.admin import AuditedAdmin


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
