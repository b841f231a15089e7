"""What the pages' forms share: a service's errors put back on the fields, and lists of ids that
cannot break the database's comparison."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ombud.core.typed import parse_id


class ServiceForm(forms.Form):
    """A form whose service's ValidationError goes on the field it names, else on the whole form."""

    def add_service_errors(self, error: ValidationError, aliases: dict[str, str] | None = None) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            name = (aliases or {}).get(key, key)
            self.add_error(name if name in self.fields else None, errors)


class IdsChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def clean(self, value: Any) -> Any:
        # Django looks a list of ids up with ``pk__in``, which SQLite and PostgreSQL cannot even
        # compare with an id beyond a 64-bit integer: refuse it as the choice it is not.
        for pk in value if isinstance(value, list | tuple) else ():
            if parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super().clean(value)
