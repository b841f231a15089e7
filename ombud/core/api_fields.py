"""Relation fields that refuse, with a 400, values no database could look up: NUL characters
(PostgreSQL text cannot hold them) and ids beyond a 64-bit integer."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ombud.core.typed import MAX_ID


class SafePrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int | str) or not str(data).isdigit():
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 0 < int(data) <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class SafeSlugRelatedField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or "\x00" in data or len(data) > 200:
            self.fail("invalid")
        return super().to_internal_value(data)
