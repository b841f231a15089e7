"""``{{ user|person }}``: how a page names the user who did something — the full name, else the user
name — and a dash where no user did it (records imported or simulated, or written by a scheduled
task), which Django's ``|default:user.get_username`` cannot do: a filter's argument that names an
attribute of nothing stops the page instead of printing nothing."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def person(user: Any) -> str:
    if user is None:
        return "—"
    return str(user.get_full_name() or user.get_username())
