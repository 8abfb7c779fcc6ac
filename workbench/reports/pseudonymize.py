"""Pseudonyms for reports and packs that leave the team: stable, keyed, and never reversible
without the key.

- A person's pseudonym is ``Member 7f3a2c91``: the first hex digits of HMAC-SHA256(key, a stable
  token of the person). The token is the smallest ``platform:external_id`` of the person's
  accounts, so the same person keeps the same pseudonym in every report made with the same key.
- The key lives in the OS keyring (``workbench.secrets``), never in a file, the database or a
  pack. ``load_key`` can instead read it from an environment variable, or make a one-off key.
- A direct-message or group-DM channel is named after its people (Discord, Telegram and Gitter
  name a DM after the other person, Slack and Mattermost after its members' handles): it becomes
  ``DM 4be0a1c2`` or ``group DM 90d1e7f3``, keyed by its name like a pseudonym.
- ``Scrubber``: the safety net. It knows every name, handle, e-mail and platform id in the
  workspace (``workspace_scrubber``: and those channels' names), and removes any that is left in a
  text that leaves in pseudonymized mode.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets as _random
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from ..errors import WorkbenchError
from ..fmt import PRIVATE_CHANNELS
from ..secrets import get_secret, set_secret
from ..store.models import Account, Channel, Person

KEY_NAME = "pseudonym-key"
DIGITS = 8
REMOVED = "[removed]"
MIN_IDENTIFIER = 4  # shorter names ("Ana", "Jo") are parts of ordinary words
# Channels named after the people in them, and what a pseudonymized report calls them instead.
DISCRIMINATOR = re.compile(r"^(.+)#\d{4}$")  # a Discord handle from before 2023: name#1234


@dataclass(frozen=True)
class PseudonymKey:
    key: bytes
    origin: str  # "keyring", "env:VAR", "one-off"

    @property
    def stable(self) -> bool:
        return self.origin != "one-off"


def load_key(*, from_env: str | None = None, one_off: bool = False) -> PseudonymKey:
    """The pseudonym key: from the environment variable ``from_env``, a one-off key, or the keyring
    (created there on first use). Raises ``KeyringUnavailable`` when the keyring is needed and missing."""
    if from_env:
        value = os.environ.get(from_env, "")
        if len(value) < 16:
            raise WorkbenchError(f"The environment variable {from_env} must hold the pseudonym key "
                                 "(at least 16 characters).")
        return PseudonymKey(value.encode("utf-8"), f"env:{from_env}")
    if one_off:
        return PseudonymKey(_random.token_bytes(32), "one-off")
    stored = get_secret(KEY_NAME)
    if not stored:
        stored = _random.token_hex(32)
        set_secret(KEY_NAME, stored)
    return PseudonymKey(stored.encode("ascii"), "keyring")


class Pseudonymizer:
    def __init__(self, key: PseudonymKey | bytes) -> None:
        self._key = key.key if isinstance(key, PseudonymKey) else key

    def digest(self, kind: str, token: str) -> str:
        return hmac.new(self._key, f"{kind}:{token}".encode(), hashlib.sha256).hexdigest()[:DIGITS]

    def person(self, token: str) -> str:
        return f"Member {self.digest('person', token)}"

    def other(self, text: str) -> str:
        """A pseudonym for a name that is not a member's (who gave a recognition, say)."""
        return f"Person {self.digest('name', text.strip().casefold())}"

    def channel(self, name: str, kind: str) -> str:
        """What a direct-message or group-DM channel called ``name`` is called instead."""
        return f"{PRIVATE_CHANNELS[kind]} {self.digest('channel', name.strip().casefold())}"


def private_channels(ws) -> dict[str, str]:  # noqa: ANN001
    """``name -> kind`` of the workspace's direct-message and group-DM channels."""
    q = select(Channel.name, Channel.kind).where(Channel.kind.in_(list(PRIVATE_CHANNELS)))
    with ws.connect() as conn:
        return {name: kind for name, kind in conn.execute(q.order_by(Channel.id)) if name}


def person_tokens(ws, person_ids: Iterable[int] | None = None) -> dict[int, str]:  # noqa: ANN001
    """``person_id -> token``: the smallest ``platform:external_id`` of the person's accounts."""
    token = func.min(Account.platform + ":" + Account.external_id)
    q = select(Account.person_id, token).group_by(Account.person_id)
    ids = None if person_ids is None else sorted({int(i) for i in person_ids})
    out: dict[int, str] = {}
    with ws.connect() as conn:
        if ids is None:
            return {int(p): str(t) for p, t in conn.execute(q)}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out.update({int(p): str(t) for p, t in conn.execute(q.where(Account.person_id.in_(chunk)))})
    return out


def workspace_identifiers(ws) -> set[str]:  # noqa: ANN001
    """Every name, handle (and the name in a ``name#1234`` one), e-mail and platform id in the
    workspace (long enough to be one)."""
    found: set[str] = set()
    with ws.connect() as conn:
        rows = conn.execute(select(Account.handle, Account.display_name, Account.email, Account.external_id))
        for row in rows:
            found.update(v.strip() for v in row if v)
        found.update(v.strip() for v in conn.execute(select(Person.display_name)).scalars() if v)
    found.update(m[1].strip() for v in list(found) if (m := DISCRIMINATOR.match(v)))
    return {v for v in found if len(v) >= MIN_IDENTIFIER}


def workspace_scrubber(ws, private: dict[str, str] | None = None) -> Scrubber:  # noqa: ANN001
    """The scrubber of what leaves the workspace pseudonymized: its identifiers, and the names of
    its direct-message chats however short ("Jo" in "Direct Messages - Private - Jo [801].json");
    ``private``: ``private_channels(ws)``, when it was read already."""
    return Scrubber(workspace_identifiers(ws), words=private_channels(ws) if private is None else private)


class Scrubber:
    """Removes known identifiers from text. Candidates are found by their first characters, so it
    stays fast with tens of thousands of identifiers, and finds them inside longer words too.
    ``words`` are removed too: as identifiers, or, shorter than one, where they stand as words of
    their own."""

    def __init__(self, identifiers: Iterable[str], words: Iterable[str] = ()) -> None:
        self._by_prefix: dict[str, list[str]] = {}
        words = {w.strip() for w in words if w.strip()}
        for ident in set(identifiers) | words:
            if len(ident) >= MIN_IDENTIFIER:
                self._by_prefix.setdefault(ident[:MIN_IDENTIFIER], []).append(ident)
        short = sorted((w for w in words if len(w) < MIN_IDENTIFIER), key=len, reverse=True)
        self._words = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, short)) + r")(?!\w)") if short else None

    def candidates(self, value: str) -> list[str]:
        found: set[str] = set()
        seen: set[str] = set()
        for i in range(len(value) - MIN_IDENTIFIER + 1):
            prefix = value[i:i + MIN_IDENTIFIER]
            if prefix in seen:
                continue
            seen.add(prefix)
            for ident in self._by_prefix.get(prefix, ()):
                if ident in value:
                    found.add(ident)
        return sorted(found, key=len, reverse=True)

    def __call__(self, value: str) -> str:
        if not value:
            return value
        for ident in self.candidates(value):
            value = value.replace(ident, REMOVED)
        return self._words.sub(REMOVED, value) if self._words is not None else value

    def contains(self, value: str) -> bool:
        return bool(self.candidates(value)) or (self._words is not None and self._words.search(value) is not None)
