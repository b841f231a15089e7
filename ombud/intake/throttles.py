"""Throttles for the public portal. Clients are told apart by a keyed hash of their address, so the
cache never holds a citizen's IP address in clear, and only for the throttle's window."""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import SimpleRateThrottle

from ombud.core.keys import keyed_digest


class _PublicThrottle(SimpleRateThrottle):
    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {
            "scope": self.scope,
            "ident": keyed_digest(self.get_ident(request), "client")[:32],
        }


class ReceiptThrottle(_PublicThrottle):
    scope = "receipt"


class ReceiptGlobalThrottle(SimpleRateThrottle):
    """All receipt checks together: guessing from many addresses meets a ceiling too."""

    scope = "receipt_all"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": "all"}


class FilingThrottle(_PublicThrottle):
    scope = "file"


class SearchThrottle(_PublicThrottle):
    scope = "search"


def throttle_wait(request: Any, throttles: list[SimpleRateThrottle]) -> float | None:
    """For plain Django views: None if the request may go on, else the seconds to wait."""
    # Our throttles never look at the view, which plain Django views do not have.
    waits = [t.wait() or 1.0 for t in throttles if not t.allow_request(request, None)]  # type: ignore[arg-type]
    return max(waits) if waits else None
