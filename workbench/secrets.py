"""Secrets the workbench keeps (the pseudonym key, credentials): the OS keyring, never a file.

``get_secret(name)`` / ``set_secret(name, value)`` / ``delete_secret(name)`` raise
``KeyringUnavailable`` (one sentence) on a machine without a usable keyring backend, so each front
end can offer the person a choice instead of crashing.
"""
from __future__ import annotations

import keyring
import keyring.errors

from .errors import KeyringUnavailable

SERVICE = "community-workbench"

_UNAVAILABLE = ("No keyring is available on this machine to keep the workbench's secrets "
                "(the system keyring service is missing or locked).")


def _backend():  # noqa: ANN202 - a keyring backend
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001 - a broken backend configuration is "no keyring"
        raise KeyringUnavailable(_UNAVAILABLE, details=f"{exc.__class__.__name__}: {exc}") from exc
    module = type(backend).__module__
    # The fail backend raises on every call; the null backend silently forgets: neither keeps a secret.
    if module.endswith(("backends.fail", "backends.null")):
        raise KeyringUnavailable(_UNAVAILABLE, details=f"keyring backend: {module}.{type(backend).__name__}")
    chained = getattr(backend, "backends", None)
    if chained is not None and not chained:
        raise KeyringUnavailable(_UNAVAILABLE, details="the chainer backend has no backends")
    return backend


def keyring_available() -> bool:
    try:
        _backend()
    except KeyringUnavailable:
        return False
    return True


def backend_name() -> str:
    try:
        backend = _backend()
    except KeyringUnavailable:
        return "none"
    return f"{type(backend).__module__}.{type(backend).__name__}"


def get_secret(name: str) -> str | None:
    backend = _backend()
    try:
        return backend.get_password(SERVICE, name)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(_UNAVAILABLE, details=f"{exc.__class__.__name__}: {exc}") from exc


def set_secret(name: str, value: str) -> None:
    backend = _backend()
    try:
        backend.set_password(SERVICE, name, value)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(_UNAVAILABLE, details=f"{exc.__class__.__name__}: {exc}") from exc


def delete_secret(name: str) -> None:
    backend = _backend()
    try:
        backend.delete_password(SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        return
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(_UNAVAILABLE, details=f"{exc.__class__.__name__}: {exc}") from exc
