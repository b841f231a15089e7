"""Receipt codes: 100 random bits in Crockford base32, five groups of four for reading aloud
(``7KQ2-9XMD-...``). Only a keyed hash is stored; the code itself is shown once."""

from __future__ import annotations

import secrets

from ombud.core.keys import keyed_digest

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Letters people confuse when they read a code aloud or copy it by hand.
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
GROUPS = 5
GROUP_LENGTH = 4


def receipt_new() -> str:
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(chars[i : i + GROUP_LENGTH] for i in range(0, len(chars), GROUP_LENGTH))


def receipt_normalize(text: str) -> str | None:
    """The canonical form of what a person typed, or None if it cannot be a receipt."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_CONFUSABLE)
    if len(cleaned) != GROUPS * GROUP_LENGTH or any(ch not in _ALPHABET for ch in cleaned):
        return None
    return "-".join(cleaned[i : i + GROUP_LENGTH] for i in range(0, len(cleaned), GROUP_LENGTH))


def receipt_digest(receipt: str) -> str:
    return keyed_digest(receipt, "receipt")
