"""Relation fields that refuse, with a 400, values no database could look up: NUL characters
(PostgreSQL text cannot hold them) and ids beyond a 64-bit integer."""

from __future__ import annotations

from typing import Any

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
