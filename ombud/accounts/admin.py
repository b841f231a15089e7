"""Admin for users and the roles they hold."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy

from ombud.accounts.models import Membership, User
from ombud.accounts.services import deactivation_refused, user_deactivate
from ombud.core.admin import AuditedAdmin, ReadOnlyAdmin


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    can_delete = False
    fields = ["role", "body", "unit", "start_on", "end_on"]
    raw_id_fields = ["body", "unit"]


class UserForm(UserChangeForm[User]):
    """Closing an account here closes it as ``ombud user deactivate`` does: refused for one's own
    account or the last administrator's, and then its token and sessions end too."""

    actor: Any = None

    def clean_is_active(self) -> bool:
        active = bool(self.cleaned_data.get("is_active"))
        if not active and self.instance.pk and self.instance.is_active:
            refused = deactivation_refused(self.actor, self.instance)
            if refused:
                raise forms.ValidationError(refused)
        return active


@admin.register(User)
class UserAdmin(AuditedAdmin[User], DjangoUserAdmin[User]):
    form = UserForm
    list_display = ["username", "first_name", "last_name", "officer", "is_active", "is_staff"]
    raw_id_fields = ["officer"]
    inlines = [MembershipInline]
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (_("Officer record"), {"fields": ["officer"]}))

    def get_form(self, request: HttpRequest, obj: User | None = None, change: bool = False, **kwargs: Any) -> Any:
        # The admin makes a new form class for each request: the actor set on it is this request's.
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # type: ignore[attr-defined]
        return form

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        closing = change and "is_active" in form.changed_data and not obj.is_active
        if closing:
            obj.is_active = True  # the service closes it, under its lock, with its audit entry
        super().save_model(request, obj, form, change)
        if closing:
            closed = user_deactivate(actor=request.user, user=obj)
            obj.is_active, obj.password = closed.is_active, closed.password


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
