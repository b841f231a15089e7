"""Hashing of audit entries, after RFC 6962: leaves are hashed with a 0x00 prefix and links with a
0x01 prefix, so a leaf can never be passed off as a link."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical_json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def leaf_hash(
    *, seq: int, at: dt.datetime, actor_id: int | None, action: str, object_type: str, object_id: str, payload: str
) -> bytes:
    leaf = canonical_json(
        {
            "seq": seq,
            "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "actor": actor_id,
            "action": action,
            "type": object_type,
            "id": object_id,
            "payload": payload,
        }
    )
    return hashlib.sha256(b"\x00" + leaf.encode("utf-8")).digest()


def link_hash(prev_hash: str, leaf: bytes) -> str:
    return hashlib.sha256(b"\x01" + bytes.fromhex(prev_hash) + leaf).hexdigest()
