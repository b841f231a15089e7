"""Reads of users and their roles, for the administrators' API and ``ombud user list``."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from ombud.accounts.models import Membership, User


def users_listed() -> QuerySet[User]:
    """Every account, by user name, with its roles (ended ones too: the record of who could act
    where, and when) in two queries."""
    roles = Membership.objects.select_related("body", "unit").order_by("start_on", "id")
    return User.objects.order_by("username").prefetch_related(Prefetch("memberships", queryset=roles))
