"""Threshold rules (``ThresholdRule`` rows) applied to the record as of a date: "3 or more
complaints in 12 months", "any sustained bribery allegation". A rule with neither categories nor a
finding counts complaints; with categories only, complaints of those categories; with a finding,
allegations with that finding (decided by the date), of those categories if any are given."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext, gettext_noop

from ombud.risk.events import FINDING_CODES, I64, NO_DAY, B, Events
from ombud.risk.models import ThresholdRule

# The descriptions migration 0003 seeds the default rules with, for the translators. A description is
# data an administrator may rewrite; until then, readers get the seeded ones in their language.
SEEDED_DESCRIPTIONS = frozenset(
    (
        gettext_noop("3 or more complaints in 12 months"),
        gettext_noop("3 or more complaints in 180 days"),
        gettext_noop("Any sustained bribery allegation"),
    )
)


def description_shown(text: str) -> str:
    """A rule's description in the reader's language where it is one the project wrote."""
    return gettext(text) if text in SEEDED_DESCRIPTIONS else text


@dataclass(frozen=True)
class RuleSpec:
    name: str
    description: str
    window_days: int | None
    min_count: int
    categories: tuple[str, ...]
    finding: str


def rule_specs(*, active_only: bool = True) -> list[RuleSpec]:
    rules = ThresholdRule.objects.prefetch_related("categories").order_by("name")
    if active_only:
        rules = rules.filter(active=True)
    return [
        RuleSpec(
            name=rule.name,
            description=rule.description,
            window_days=rule.window_days,
            min_count=max(rule.min_count, 1),
            categories=tuple(sorted(c.code for c in rule.categories.all())),
            finding=rule.finding,
        )
        for rule in rules
    ]


def _window(event: np.ndarray, t: int, days: int | None) -> B:
    if days is None:
        return np.asarray(event <= t)
    return np.asarray((event > t - days) & (event <= t))


def rule_flags(ev: Events, t: int, rule: RuleSpec) -> B:
    """Which officers the rule flags on day ``t`` (a boolean per officer of ``ev``)."""
    return np.asarray(rule_counts(ev, t, rule) >= rule.min_count)


def categories_in_record(ev: Events, rule: RuleSpec) -> bool | None:
    """Whether any complaint or allegation on record is of one of the rule's categories (None for a
    rule without categories). The seeded ``sustained_bribery`` counts the code ``bribery``: a force
    whose record calls it something else needs the rule set to its own categories, or it flags no one."""
    if not rule.categories:
        return None
    wanted = _category_indices(ev, rule)
    return bool(np.isin(ev.sc_category, wanted).any() or np.isin(ev.al_category, wanted).any())


def _category_indices(ev: Events, rule: RuleSpec) -> I64:
    """The rule's categories as indices into ``ev.category_codes`` (those the database has)."""
    codes = {code: i for i, code in enumerate(ev.category_codes)}
    return np.array([codes[c] for c in rule.categories if c in codes], dtype=np.int64)


def rule_counts(ev: Events, t: int, rule: RuleSpec) -> I64:
    """What the rule counts on day ``t``, per officer of ``ev`` (complaints, or allegations with its
    finding, in its window and categories): an alert says it beside the rule."""
    n = ev.n_officers
    wanted = _category_indices(ev, rule)
    if rule.categories and not len(wanted):
        return np.zeros(n, dtype=np.int64)
    if rule.finding:
        if rule.finding not in FINDING_CODES:
            return np.zeros(n, dtype=np.int64)
        mask = (ev.al_known <= t) & (ev.al_decided != NO_DAY) & (ev.al_decided <= t)
        mask &= (ev.al_finding == FINDING_CODES.index(rule.finding)) & _window(ev.al_event, t, rule.window_days)
        if len(wanted):
            mask &= np.isin(ev.al_category, wanted)
        counts = np.bincount(ev.al_officer[mask], minlength=n)
    elif len(wanted):
        mask = ev.sc_known_at(t) & _window(ev.sc_event, t, rule.window_days) & np.isin(ev.sc_category, wanted)
        pairs = np.unique(np.column_stack([ev.sc_officer[mask], ev.sc_complaint[mask]]), axis=0)
        counts = np.bincount(pairs[:, 0], minlength=n) if len(pairs) else np.zeros(n, dtype=np.int64)
    else:
        mask = (ev.cs_received <= t) & _window(ev.cs_event, t, rule.window_days)
        counts = np.bincount(ev.cs_officer[mask], minlength=n)
    return np.asarray(counts, dtype=np.int64)


def rule_families(rule: RuleSpec) -> tuple[str, ...]:
    """The families of features (``ombud.risk.explain``) that state what the rule counts."""
    categories = tuple(f"category:{code}" for code in rule.categories)
    if rule.finding:
        return ("sustained" if rule.finding == "sustained" else "other_findings", *categories)
    return (*categories, "complaints")
