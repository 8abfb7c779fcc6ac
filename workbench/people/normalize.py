"""Text normalization for matching people: names, handles and e-mail addresses in any script.

Every comparison goes through ``clean`` (NFKC, case folding, invisible characters removed, spaces
collapsed), so "Ａｎａ", "ana", "A\u200bna" and "\u202eAna" compare equal; ``fold`` also drops accents
("Müller" ~ "muller") for the looser comparisons. Letters of every script are kept.
"""
from __future__ import annotations

import re
import unicodedata

# Zero-width characters, bidi controls and the Hangul fillers used as "blank" names.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0]
    + list(range(0x200B, 0x2010)) + list(range(0x202A, 0x202F)) + list(range(0x2060, 0x2070)),
    None)
_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)  # runs of letters (any script)
_DIGITS_TAIL = re.compile(r"(\d+)$")
_DISCRIMINATOR = re.compile(r"#\d{1,4}$")
SHARED_MAILBOXES = {"noreply", "no-reply", "donotreply", "do-not-reply", "notifications", "notification",
                    "mailer-daemon", "postmaster", "bounce", "bounces", "info", "admin", "support", "team",
                    "hello", "contact", "root", "nobody", "unknown", "invalid"}


def clean(text: str | None) -> str:
    """NFKC, case folded, without zero-width or bidi characters, spaces collapsed and stripped."""
    if not text:
        return ""
    if text.isascii():  # nothing to normalize or strip: the common case, made fast
        return " ".join(text.lower().split())
    s = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    s = unicodedata.normalize("NFKC", s).casefold()
    return _SPACES.sub(" ", s).strip()


def fold(text: str | None) -> str:
    """``clean`` without accents: "Müller" -> "muller", "Çağla" -> "cagla" (other scripts kept)."""
    s = clean(text)
    if s.isascii():
        return s
    s = unicodedata.normalize("NFKD", s)
    return unicodedata.normalize("NFC", "".join(c for c in s if not unicodedata.combining(c)))


def tokens(text: str | None) -> list[str]:
    """The words of a name, folded: letters only, digits and punctuation dropped."""
    return _TOKEN.findall(fold(text))


def _is_wide(word: str) -> bool:
    return any(unicodedata.east_asian_width(c) in ("W", "F") for c in word)


def name_key(text: str | None) -> str:
    """A key for "the same name": the sorted words, when they say enough ("" otherwise).

    Two words or more ("Ana Silva" == "silva, ana"), or one word written in a CJK script (full
    names there are often written without spaces). A lone Latin first name says too little.
    """
    words = tokens(text)
    if len(words) >= 2:
        return " ".join(sorted(words))
    if len(words) == 1 and len(words[0]) >= 2 and _is_wide(words[0]):
        return words[0]
    return ""


def handle_parts(handle: str | None) -> tuple[list[str], str]:
    """The words and the trailing number of a handle: "ana.silva17" -> (["ana", "silva"], "17")."""
    h = _DISCRIMINATOR.sub("", clean(handle)).lstrip("@")
    h = h.split("@", 1)[0] if "@" in h else h  # an address used as a handle: its local part
    m = _DIGITS_TAIL.search(h)
    return tokens(h), (m.group(1) if m else "")


def compact_handle(handle: str | None) -> str:
    """A handle without its punctuation and discriminator: "Ana.Silva_17#0420" -> "anasilva17"."""
    h = _DISCRIMINATOR.sub("", fold(handle)).lstrip("@")
    return "".join(c for c in h if c.isalnum())


def handle_core(handle: str | None) -> str:
    """First word and trailing number ("ana|17"): the part people keep across platforms.

    Empty unless the number has two digits or more (a lone digit says too little)."""
    words, digits = handle_parts(handle)
    if not words or len(digits) < 2:
        return ""
    return f"{words[0]}|{digits}"


def norm_email(email: str | None) -> str | None:
    """An address as compared for automatic merges: NFKC, case folded, trimmed; None if not one."""
    e = clean(email).replace(" ", "")
    if e.startswith("mailto:"):
        e = e[7:]
    if e.count("@") != 1:
        return None
    local, domain = e.split("@")
    if not local or "." not in domain:
        return None
    return e


def is_shared_mailbox(email: str) -> bool:
    """Addresses that many people write from (no-reply, notifications, info@...): never a merge key."""
    local = email.split("@", 1)[0]
    return local in SHARED_MAILBOXES or local.startswith(("noreply", "no-reply", "notifications+"))
