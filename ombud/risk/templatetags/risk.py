"""``{% risk_history officer %}``: the officer's early-warning scores and the answers to his alerts,
for the dossier page (shown to his supervisors and bodies, never to himself)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
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


@register.filter
def top_share(percentile: float | None) -> str:
    """An officer's place as a share of those scored ("top 2.3 %"), with as many decimals as it takes
    not to read 0: the highest of 20,000 is in the top 0.005 %, not the top 0.0 %."""
    if percentile is None:
        return "—"
    if percentile <= 0:
        # Stored to three decimals: the top of a force of more than 200,000 officers.
        return "< 0.001"
    if percentile >= 0.1:
        return str(floatformat(percentile, 1))
    decimals = 1
    while decimals < 6 and round(percentile, decimals) == 0:
        decimals += 1
    # Two significant digits where the second says something (0.049), one where it would be a 0 (0.01).
    if round(percentile, decimals + 1) != round(percentile, decimals):
        decimals += 1
    return str(floatformat(percentile, decimals))


@register.filter
def p_value(p: object) -> str:
    """A sign test's p to two decimals; below 0.01 "< 0.01", not a "0.00" that reads as no chance at all.
    None (or the empty string a template gives for a comparison an older evaluation lacks): "—"."""
    if not isinstance(p, int | float):
        return "—"
    return "< 0.01" if p < 0.01 else str(floatformat(p, 2))


@register.filter
def p_stated(p: object) -> str:
    """The same in a sentence: "p = 0.47", "p < 0.01" (never "p = < 0.01")."""
    shown = p_value(p)
    if shown == "—":
        return shown
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"
