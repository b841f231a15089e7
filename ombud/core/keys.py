"""The instance's secrets: field-encryption keys (AES-256-GCM, rotatable), the receipt-hashing key
(HMAC-SHA256) and the signing key (Ed25519) that proofs of filing and referral packages carry.

Each comes from an environment variable or from a file in ``settings.KEY_DIR``; on a new instance
the files are created with mode 0600. None of them is ever written to the database."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ombud.conf import write_private

_SEALED_VERSION = b"\x01"


class UnsealError(Exception):
    """A sealed value could not be opened: unknown key, or altered ciphertext."""


def _key_dir() -> Path:
    path = Path(settings.KEY_DIR)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _env_or_file(variable: str, file_name: str, make: bytes | None) -> bytes:
    value = os.environ.get(variable)
    if value:
        return value.encode()
    path = _key_dir() / file_name
    if not path.exists():
        if make is None or settings.PRODUCTION:
            raise ImproperlyConfigured(f"{variable} is not set and {path} does not exist")
        write_private(path, make, replace=False)
    return path.read_bytes().strip()


# -- field encryption ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldKeys:
    """Keys by id; the first is current (new values are sealed with it), the rest still open old ones."""

    keys: tuple[tuple[str, bytes], ...]

    @property
    def current_id(self) -> str:
        return self.keys[0][0]

    def get(self, key_id: str) -> bytes | None:
        return dict(self.keys).get(key_id)


def _parse_field_keys(text: str, source: str) -> FieldKeys:
    keys = []
    for line in text.replace(",", "\n").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key_id, _, encoded = line.partition(":")
        try:
            key = base64.urlsafe_b64decode(encoded.strip())
        except ValueError:
            raise ImproperlyConfigured(f"{source}: key {key_id!r} is not base64") from None
        if len(key) != 32:
            raise ImproperlyConfigured(f"{source}: key {key_id!r} must be 32 bytes (AES-256)")
        keys.append((key_id.strip(), key))
    if not keys:
        raise ImproperlyConfigured(f"{source} holds no key")
    return FieldKeys(tuple(keys))


def new_field_key_line() -> str:
    return f"k{secrets.token_hex(4)}:{base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}"


def field_keys() -> FieldKeys:
    text = _env_or_file("OMBUD_FIELD_KEYS", "field.keys", (new_field_key_line() + "\n").encode()).decode()
    return _parse_field_keys(text, "OMBUD_FIELD_KEYS")


def field_keys_file() -> Path:
    return _key_dir() / "field.keys"


def field_key_line(key_id: str, key: bytes) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(key).decode()}"


def write_field_keys(path: Path, lines: list[str]) -> None:
    write_private(path, ("\n".join(lines) + "\n").encode(), replace=True)


def seal(plaintext: str, context: str, keys: FieldKeys | None = None) -> bytes:
    """Encrypt with the current key. ``context`` (e.g. "complainant.name") is authenticated, so a
    sealed name cannot be passed off as a sealed contact."""
    keys = keys or field_keys()
    key_id = keys.current_id.encode()
    nonce = secrets.token_bytes(12)
    ciphertext = AESGCM(keys.keys[0][1]).encrypt(nonce, plaintext.encode("utf-8"), context.encode())
    return _SEALED_VERSION + bytes([len(key_id)]) + key_id + nonce + ciphertext


def sealed_key_id(sealed: bytes) -> str:
    return bytes(sealed[2 : 2 + sealed[1]]).decode()


def unseal(sealed: bytes, context: str, keys: FieldKeys | None = None) -> str:
    keys = keys or field_keys()
    sealed = bytes(sealed)
    if not sealed or sealed[:1] != _SEALED_VERSION:
        raise UnsealError("unknown sealed format")
    key_id = sealed_key_id(sealed)
    key = keys.get(key_id)
    if key is None:
        raise UnsealError(f"no key {key_id!r} to open this value")
    start = 2 + len(key_id.encode())
    try:
        return (
            AESGCM(key).decrypt(sealed[start : start + 12], sealed[start + 12 :], context.encode()).decode("utf-8")
        )
    except InvalidTag:
        raise UnsealError("the sealed value was altered or sealed for another field") from None


# -- keyed hashes (receipts, complainant identities) --------------------------------------------


@cache
def _hash_key() -> bytes:
    return _env_or_file("OMBUD_RECEIPT_KEY", "receipt.key", secrets.token_hex(32).encode())


def keyed_digest(value: str, purpose: str) -> str:
    """HMAC-SHA256 under the instance's hashing key; without the key, digests reveal nothing."""
    return hmac.new(_hash_key(), f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


# -- signing ------------------------------------------------------------------------------------


@cache
def signing_key() -> Ed25519PrivateKey:
    fresh = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    pem = _env_or_file("OMBUD_SIGNING_KEY", "signing.pem", fresh)
    key = serialization.load_pem_private_key(pem.replace(b"\\n", b"\n"), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("OMBUD_SIGNING_KEY is not an Ed25519 private key")
    return key


def public_key_bytes(key: Ed25519PublicKey | None = None) -> bytes:
    key = key or signing_key().public_key()
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(raw_public_key: bytes | None = None) -> str:
    """SHA-256 of the raw public key, in hex groups of four for reading aloud."""
    digest = hashlib.sha256(raw_public_key or public_key_bytes()).hexdigest()
    return ":".join(digest[i : i + 4] for i in range(0, 64, 4))


def sign(message: bytes) -> bytes:
    return signing_key().sign(message)


def verify_signature(raw_public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(raw_public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def keys_ensure() -> str:
    """Create any missing key file now, before a server forks its workers; returns the signing
    key's fingerprint."""
    field_keys()
    _hash_key()
    return fingerprint()
