"""Typed readers for ``OMBUD_*`` settings that stop start-up, naming the variable, on a bad value."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    """A value from the environment, or from the file named by ``NAME_FILE`` (for secrets)."""
    value = os.environ.get(name)
    file_name = os.environ.get(f"{name}_FILE")
    if value is not None and file_name:
        raise ImproperlyConfigured(f"{name} and {name}_FILE are both set; set only one")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return value


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def env_file(name: str) -> str:
    """The path of an existing file, or "" when the variable is not set."""
    value = (_raw(name) or "").strip()
    if value and not Path(value).is_file():
        raise ImproperlyConfigured(f"{name}={value!r} is not a file")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum {minimum}")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name}={number} is above the maximum {maximum}")
    return number


def env_float(name: str, default: float, *, above: float, maximum: float) -> float:
    """A number in (``above``, ``maximum``]."""
    value = _raw(name)
    if value is None:
        return default
    try:
        number = float(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number") from None
    if not above < number <= maximum:
        raise ImproperlyConfigured(f"{name}={number} must be above {above} and at most {maximum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    value = _raw(name)
    path = default if not value else Path(value)
    return path.expanduser().resolve()


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}")
    return value


def write_private(path: Path, data: bytes, *, replace: bool) -> None:
    """Write a secret with mode 0600, atomically (never half-written).

    With ``replace=False`` the first writer wins: several processes starting at once (the web
    server's workers) all end up reading the same secret, instead of each keeping the one it made."""
    write_atomically(path, data, replace=replace, mode=0o600)


def write_atomically(path: Path, data: bytes, *, replace: bool = True, mode: int = 0o644) -> None:
    """Write a file whole or not at all: a temporary file beside it, then a rename, so that a
    reader, a crash or a full disk never leaves half of it (or the previous file emptied). A path
    that is not a regular file (a device, a pipe) is written through, and a link, where it leads.
    An error names ``path``, not the temporary file."""
    try:
        if path.exists() and not path.is_file():
            with path.open("wb") as handle:
                handle.write(data)
        else:
            _write_beside(path.resolve(), data, replace=replace, mode=mode)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from exc


def _write_beside(path: Path, data: bytes, *, replace: bool, mode: int) -> None:
    import secrets

    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
