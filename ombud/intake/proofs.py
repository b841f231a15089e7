"""Checking a proof of filing: a signed statement of date, receiving body and content digest."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ombud.core import keys


@dataclass
class ProofCheck:
    ok: bool
    statement: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def proof_verify(proof: str, *, public_key: bytes | None = None) -> ProofCheck:
    """Valid when signed by this instance's key (or the public key given)."""
    message_part, _dot, signature_part = proof.strip().partition(".")
    try:
        message, signature = _unb64(message_part), _unb64(signature_part)
        statement = json.loads(message)
    except (binascii.Error, ValueError):
        return ProofCheck(False, problems=[_("This is not a proof of filing.")])
    if not isinstance(statement, dict):
        return ProofCheck(False, problems=[_("This is not a proof of filing.")])
    key = public_key or keys.public_key_bytes()
    if not keys.verify_signature(key, signature, message):
        return ProofCheck(
            False, statement, [_("The signature does not match: the proof was altered or signed elsewhere.")]
        )
    if statement.get("signer") != keys.fingerprint(key):
        return ProofCheck(False, statement, [_("The proof names another signer.")])
    return ProofCheck(True, statement)
