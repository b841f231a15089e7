"""The browsable API under the site's Content-Security-Policy (settings.py), which allows no inline
style element: DRF writes its Pygments colours into one where Pygments is installed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API without the inline colours of its code blocks (they read the same, in black)."""

    def get_context(
        self, data: Any, accepted_media_type: str | None, renderer_context: Mapping[str, Any]
    ) -> dict[str, Any]:
        context = super().get_context(data, accepted_media_type, renderer_context)
        context["code_style"] = None
        return context
