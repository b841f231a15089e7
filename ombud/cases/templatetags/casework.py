"""``{{ code|goods }}``: what a bribe was paid in, in the reader's language (stored as a code)."""

from __future__ import annotations

from django import template

from ombud.cases.models import goods_label

register = template.Library()
register.filter("goods", goods_label)
