"""Errors shared by the access gates."""

from __future__ import annotations

from django.http import Http404


class NotFoundForUser(Http404):
    """Raised for anything outside a user's reach: the same answer as for something that does not
    exist, so a gate never reveals what it hides."""
