"""``{% risk_history officer %}``: the officer's early-warning scores and the answers to his alerts,
for the dossier page (shown to his supervisors and bodies, never to himself)."""

from __future__ import annotations

from typing import Any

from django import template

from ombud.org.models import Officer
from ombud.risk.selectors import officer_risk_history

register = template.Library()


@register.inclusion_tag("risk/_history.html")
def risk_history(officer: Officer) -> dict[str, Any]:
    return {"history": officer_risk_history(officer)}
