"""``{% risk_history officer %}``: the officer's early-warning scores and the answers to his alerts,
for the dossier page (shown to his supervisors and bodies, never to himself)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from ombud.org.models import Officer
from ombud.risk.charts import dated_line_chart
from ombud.risk.selectors import officer_risk_history

register = template.Library()


@register.inclusion_tag("risk/_history.html")
def risk_history(officer: Officer) -> dict[str, Any]:
    history = officer_risk_history(officer)
    chart = None
    if len(history.trend) > 1:
        chart = dated_line_chart(
            history.trend,
            name=_("score"),
            title=_("Early-warning score over time"),
            y_label=_("chance of a sustained allegation in the year"),
        )
    return {"history": history, "chart": chart}
