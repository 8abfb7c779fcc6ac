"""Merge suggestions: which people are probably one human, how sure, and why.

Candidates come from blocks, never from all pairs: people meet only when they share a blocking
key (the same name words, the same handle core "ana|17", the same compact handle, or a handle
whose words are the other's name). Blocks larger than ``MAX_BLOCK`` are names too common to say
anything and are skipped. Each candidate pair is then scored from evidence a person can check:

- the handles ("handle similar: ana.silva17 ~ ana17"), with rapidfuzz for near spellings;
- the display names (normalized: NFKC, case folded, invisible characters dropped, accents folded);
- whether the name is unique on both platforms, or shared with other people there;
- the weeks in which both were active;
- a nick change in an IRC log ("dty_ became dty on IRC"): one connection took the other name, so
  it outweighs everything but an e-mail, sharing a platform included; less so when one side is a
  guest nick ("Guest2100"), which the network hands to others on other days.

Names a platform gives to any deleted or hidden account ("Deleted User", "Deleted Account",
"ghost") are no evidence: two of them are not suggested as one person.

Confidence is a sum of those parts, capped below 1 (only the same e-mail is certain, and that
merges automatically). Pairs a person rejected are never suggested again.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from rapidfuzz import fuzz
from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from .. import fmt
from ..store.dialect import utc_day
from ..store.models import Account, Activity, DailyRollup, Person, Rename
from .merge import rejected_person_pairs
from .normalize import compact_handle, fold, handle_core, handle_parts, name_key, norm_email, tokens

DEFAULT_MIN_CONFIDENCE = 0.65
MAX_BLOCK = 40
ACC = Account.__table__
A = Activity.__table__
R = DailyRollup.__table__
PER = Person.__table__


@dataclass
class Suggestion:
    a: int
    b: int
    confidence: float
    reasons: list[str]
    a_name: str = ""
    b_name: str = ""
    a_platforms: tuple[str, ...] = ()
    b_platforms: tuple[str, ...] = ()

    @property
    def accepted(self) -> tuple[int, int, str]:
        """The merge that accepting it makes, for ``merge.merge_many``: (a, b, its reasons)."""
        return self.a, self.b, "accepted suggestion: " + "; ".join(self.reasons)

    def as_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "confidence": round(self.confidence, 3), "reasons": self.reasons,
                "a_name": self.a_name, "b_name": self.b_name, "a_platforms": list(self.a_platforms),
                "b_platforms": list(self.b_platforms)}


@dataclass
class _Acc:
    id: int
    platform: str
    handle: str
    name: str
    email: str | None
    name_key: str
    core: str
    compact: str
    handle_key: str  # the handle's words as a name key ("ana.silva" -> "ana silva")


@dataclass
class _Person:
    id: int
    name: str
    is_bot: bool
    accounts: list[_Acc] = field(default_factory=list)

    @property
    def platforms(self) -> set[str]:
        return {a.platform for a in self.accounts}


# Names platforms give accounts that are gone or hidden, as compact handles: Discord's "Deleted User"
# (and "deleted_user_1a2b3c"), Telegram's "Deleted Account", GitHub's "ghost", Reddit-style
# "[deleted]", Stack Exchange's "please delete me". Unrelated people share them, so they are no
# evidence of who is who: such an account is matched by its e-mail or a nick change only.
PLACEHOLDER_NAMES = {"deleteduser", "deletedaccount", "deleted", "ghost", "pleasedeleteme", "anonymous",
                     "unknownuser", "removeduser", "userdeleted"}


def placeholder_name(text: str | None) -> bool:
    """A name or handle that a platform gives to any deleted or hidden account."""
    compact = compact_handle(text or "")
    return compact in PLACEHOLDER_NAMES or compact.startswith("deleteduser")


def _load(conn: Connection) -> dict[int, _Person]:
    q = (select(PER.c.id, PER.c.display_name, ACC.c.id, ACC.c.platform, ACC.c.handle, ACC.c.display_name,
                ACC.c.email_norm, ACC.c.is_bot)
         .select_from(ACC.join(PER, PER.c.id == ACC.c.person_id))
         .where(PER.c.merged_into_id.is_(None), ACC.c.placeholder.is_(False)))
    people: dict[int, _Person] = {}
    for pid, pname, aid, platform, handle, name, email, is_bot in conn.execute(q):
        p = people.get(pid)
        if p is None:
            p = people[pid] = _Person(pid, pname or name or handle, False)
        p.is_bot = p.is_bot or bool(is_bot)
        handle = None if placeholder_name(handle) else handle
        name = None if placeholder_name(name) else name
        words, _ = handle_parts(handle)
        p.accounts.append(_Acc(aid, platform, handle or "", name or "", norm_email(email), name_key(name),
                               handle_core(handle), compact_handle(handle),
                               " ".join(sorted(words)) if len(words) >= 2 else ""))
    return people


def _blocks(people: dict[int, _Person]) -> dict[str, set[int]]:
    blocks: dict[str, set[int]] = defaultdict(set)
    for p in people.values():
        for a in p.accounts:
            if a.name_key:
                blocks["n:" + a.name_key].add(p.id)
            if a.handle_key:
                blocks["n:" + a.handle_key].add(p.id)
            if a.core:
                blocks["h:" + a.core].add(p.id)
            if len(a.compact) >= 4:
                blocks["x:" + a.compact].add(p.id)
    return blocks


# A nick an IRC network hands to whoever has not identified in time ("Guest2100"): the same nick
# is someone else's another day, so a change to or from it is weaker evidence.
GUEST_NICK = re.compile(r"^guest\d+$", re.IGNORECASE)


def _renames(conn: Connection, people: dict[int, _Person]) -> dict[tuple[int, int], list[str]]:
    """Pairs of people one of whose accounts was seen taking the other's name (an IRC nick change),
    each with its reasons, from the first time it was seen."""
    old, new = ACC.alias("old"), ACC.alias("new")
    q = (select(Rename.platform, old.c.person_id, old.c.handle, new.c.person_id, new.c.handle, Rename.at)
         .join(old, and_(old.c.platform == Rename.platform, old.c.external_id == Rename.from_external_id))
         .join(new, and_(new.c.platform == Rename.platform, new.c.external_id == Rename.to_external_id))
         .order_by(Rename.at, Rename.id))
    found: dict[tuple[int, int], list[str]] = {}
    for platform, a, a_handle, b, b_handle, at in conn.execute(q):
        if a != b and a in people and b in people and (min(a, b), max(a, b)) not in found:
            why = [f"{a_handle} became {b_handle} on {fmt.platform_name(platform)} ({at:%Y-%m-%d})"]
            why += [f"{h} is a guest nick, which others may have had on other days"
                    for h in (a_handle, b_handle) if GUEST_NICK.match(h or "")]
            found[(min(a, b), max(a, b))] = why
    return found


def _name_counts(people: dict[int, _Person]) -> dict[tuple[str, str], int]:
    """How many people carry a name key on each platform."""
    counts: dict[tuple[str, str], set[int]] = defaultdict(set)
    for p in people.values():
        for a in p.accounts:
            for key in {a.name_key, a.handle_key} - {""}:
                counts[(key, a.platform)].add(p.id)
    return {k: len(v) for k, v in counts.items()}


def _weeks(conn: Connection, persons: set[int]) -> dict[int, set[int]]:
    """Active weeks (week numbers since 1970) of the given people."""
    out: dict[int, set[int]] = defaultdict(set)
    ids = sorted(persons)
    use_rollup = conn.execute(select(R.c.day).limit(1)).first() is not None
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        if use_rollup:
            q = (select(ACC.c.person_id, R.c.day).distinct().select_from(R.join(ACC, ACC.c.id == R.c.account_id))
                 .where(ACC.c.person_id.in_(chunk)))
        else:
            day = utc_day(conn, A.c.created_at)
            q = (select(ACC.c.person_id, day).distinct().select_from(A.join(ACC, ACC.c.id == A.c.account_id))
                 .where(ACC.c.person_id.in_(chunk)))
        for pid, d in conn.execute(q):
            if isinstance(d, str):
                d = dt.date.fromisoformat(d[:10])
            elif isinstance(d, dt.datetime):
                d = d.date()
            out[int(pid)].add((d - dt.date(1970, 1, 5)).days // 7)
    return out


def _handle_evidence(p: _Person, q: _Person) -> tuple[float, str]:
    best, why = 0.0, ""
    for a in p.accounts:
        for b in q.accounts:
            if not a.handle or not b.handle:
                continue
            if len(a.compact) >= 4 and a.compact == b.compact:
                s, r = 0.6, f"same handle: {a.handle} = {b.handle}"
            elif a.core and a.core == b.core:
                s, r = 0.55, f"handle similar: {a.handle} ~ {b.handle}"
            elif len(a.compact) >= 5 and len(b.compact) >= 5 and fuzz.ratio(a.compact, b.compact) >= 88:
                s, r = 0.3, f"handle similar: {a.handle} ~ {b.handle}"
            else:
                continue
            if s > best:
                best, why = s, r
    for a in p.accounts:  # a handle that spells the other's name ("ana.silva" and "Ana Silva")
        for b in q.accounts:
            if a.handle_key and a.handle_key == b.name_key and best < 0.35:
                best, why = 0.35, f"handle matches name: {a.handle} ~ {b.name}"
            if b.handle_key and b.handle_key == a.name_key and best < 0.35:
                best, why = 0.35, f"handle matches name: {b.handle} ~ {a.name}"
    return best, why


def _name_evidence(p: _Person, q: _Person, counts: dict[tuple[str, str], int], *,
                   handle: bool) -> tuple[float, list[str]]:
    best, reasons = 0.0, []
    for a in p.accounts:
        for b in q.accounts:
            if a.name_key and a.name_key == b.name_key:
                s = 0.45
                unique = counts.get((a.name_key, a.platform), 0) <= 1 and counts.get((b.name_key, b.platform), 0) <= 1
                extra = counts.get((a.name_key, a.platform), 1) + counts.get((b.name_key, b.platform), 1) - 2
                if a.platform != b.platform and unique:
                    s += 0.15
                    why = [f"same display name: {a.name}", "the name is unique on both platforms"]
                elif extra > 0 and not handle:
                    s -= 0.1 * min(extra, 3)
                    why = [f"same display name: {a.name}", f"but {extra} other {'person shares' if extra == 1 else 'people share'} the name"]
                else:
                    why = [f"same display name: {a.name}"]
            elif a.name and b.name and len(tokens(a.name)) >= 2 and len(tokens(b.name)) >= 2 \
                    and fuzz.token_sort_ratio(fold(a.name), fold(b.name)) >= 90:
                s, why = 0.25, [f"display name similar: {a.name} ~ {b.name}"]
            else:
                continue
            if s > best:
                best, reasons = s, why
    return best, reasons


def _score(p: _Person, q: _Person, counts: dict, weeks: dict[int, set[int]],
           renamed: list[str] | None = None) -> tuple[float, list[str]]:
    reasons: list[str] = []
    emails = {a.email for a in p.accounts} & {b.email for b in q.accounts} - {None}
    if emails:
        return 0.99, [f"same e-mail: {sorted(emails)[0]}"]
    if renamed:  # one connection took the other's name: one person, whatever the names look like
        if p.is_bot != q.is_bot:
            return 0.6, [*renamed, "but only one of them is a bot"]
        return (0.95 if len(renamed) == 1 else 0.7), renamed
    h, hr = _handle_evidence(p, q)
    n, nr = _name_evidence(p, q, counts, handle=h >= 0.5)
    if n > 0 and hr.startswith("handle matches name"):
        h, hr = 0.0, ""  # the same name seen twice is not two pieces of evidence
    if h <= 0 and n <= 0:
        return 0.0, []
    score = h + n
    if hr:
        reasons.append(hr)
    reasons.extend(nr)
    wp, wq = weeks.get(p.id, set()), weeks.get(q.id, set())
    common = len(wp & wq)
    if wp and wq:
        overlap = common / min(len(wp), len(wq))
        if common >= 2 and overlap >= 0.4:
            score += 0.1
            reasons.append(f"active in the same weeks ({common} weeks)")
        elif common == 0 and min(len(wp), len(wq)) >= 8:
            score -= 0.25
            reasons.append("but never active in the same week")
    if p.platforms & q.platforms:
        score -= 0.3
        shared = sorted(p.platforms & q.platforms)
        reasons.append("but both have an account on " + fmt.platform_names(shared))
    if p.is_bot != q.is_bot:
        score -= 0.3
        reasons.append("but only one of them is a bot")
    return max(0.0, min(score, 0.98)), reasons


def suggestions(conn: Connection, *, min_confidence: float = DEFAULT_MIN_CONFIDENCE,
                cancel=None) -> list[Suggestion]:  # noqa: ANN001
    """Merge suggestions at or above ``min_confidence``, most confident first."""
    people = _load(conn)
    blocks = _blocks(people)
    rejected = rejected_person_pairs(conn)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        for x, y in combinations(sorted(members), 2):
            if (x, y) not in rejected:
                pairs.add((x, y))
        if cancel is not None and cancel():
            return []
    renames = {pair: why for pair, why in _renames(conn, people).items() if pair not in rejected}
    pairs.update(renames)
    counts = _name_counts(people)
    weeks = _weeks(conn, {x for pair in pairs for x in pair})
    out = []
    for x, y in pairs:
        conf, reasons = _score(people[x], people[y], counts, weeks, renames.get((x, y)))
        if conf >= min_confidence and conf > 0:
            out.append(Suggestion(x, y, conf, reasons, people[x].name, people[y].name,
                                  tuple(sorted(people[x].platforms)), tuple(sorted(people[y].platforms))))
    out.sort(key=lambda s: (-s.confidence, s.a, s.b))
    return out


def suggestions_for(ws, *, min_confidence: float = DEFAULT_MIN_CONFIDENCE, cancel=None) -> list[Suggestion]:  # noqa: ANN001
    with ws.connect() as conn:
        return suggestions(conn, min_confidence=min_confidence, cancel=cancel)

