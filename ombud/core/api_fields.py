"""API fields that refuse, with a 400 that says why, what DRF's own would take or name wrongly:
relations no database could look up (NUL characters, which PostgreSQL text cannot hold, and ids
beyond a 64-bit integer), numbers sent for text, and days the calendar does not have."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ombud.core.typed import parse_id


class SafePrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        text = str(data).strip()
        if not (text.isascii() and text.isdigit()):
            self.fail("incorrect_type", data_type=type(data).__name__)
        pk = parse_id(text)
        if pk is None:  # digits, but no id a record could have (0, beyond 64 bits)
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(pk)


class SafeSlugRelatedField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or "\x00" in data or len(data) > 200:
            self.fail("invalid")
        return super().to_internal_value(data)


class TextField(serializers.CharField):
    """Text, and only text: DRF's CharField takes a JSON number as its digits, so a dismissal's
    reason or a note sent as 12345678901 would be kept as if someone had written it."""

    default_error_messages = {"not_text": _("Expected text, received {data_type}.")}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_text", data_type=type(data).__name__)
        return str(super().to_internal_value(data))


class CalendarDateField(serializers.DateField):
    """An ISO date; a day the calendar does not have (2016-02-30) is named as such, not as a date
    "of the wrong format"."""

    default_error_messages = {"no_such_day": _("{value} is not a day of the calendar.")}

    def to_internal_value(self, value: Any) -> Any:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            try:
                dt.date.fromisoformat(value.strip())
            except ValueError:
                self.fail("no_such_day", value=value.strip())
        return super().to_internal_value(value)
