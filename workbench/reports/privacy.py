"""Pseudonymized reports: people become stable pseudonyms, and so do the direct-message channels
named after them; free text and platform ids are left out, and a final pass removes any name,
handle, e-mail or platform id of the workspace that is still anywhere in the report's text."""
from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from ..fmt import PRIVATE_CHANNELS
from ..metrics.filters import Filters
from .build import filters_text
from .data import Chart, ReportData
from .pseudonymize import (PseudonymKey, Pseudonymizer, Scrubber, person_tokens, private_channels,
                           workspace_scrubber)

PERSON_ID_COLUMNS = ("person_id", "author_person_id", "helper_id", "helper_person_id", "author_id", "member_id")
NAME_COLUMNS = {"name", "display_name", "person", "person_name", "helper", "helper_name", "author",
                "author_name", "asked_by", "member", "member_name", "champion", "who", "people"}
OTHER_NAME_COLUMNS = {"given_by", "changed_by", "by"}
# A table of ties between two people names the second one too (who helps whom): its id column and
# the name column that is pseudonymized from it.
SECOND_PERSON = {"helped_person_id": "helped"}
CHANNEL_COLUMNS = {"channel", "channel_name"}
DROPPED_COLUMNS = {"text", "question", "question_text", "title", "body", "note", "notes", "message", "snippet",
                   "excerpt", "content", "reason", "external_id", "q_external_id", "handle", "handles", "email",
                   "emails", "account", "accounts", "account_id", "url", "link", "permalink", "platform_id",
                   "platform_ids", "path"}


class ChannelNames:
    """Names a direct-message or group-DM channel by its pseudonym, alone ("Bob" is "DM 1a2b3c4d")
    or labelled as ``fmt.channel_label`` labels it ("Telegram DM Bob" is "Telegram DM 1a2b3c4d");
    any other value as it is."""

    def __init__(self, private: dict[str, str], p: Pseudonymizer) -> None:
        self._names = {name: p.channel(name, kind) for name, kind in private.items()}

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, str) or not self._names:
            return value
        if value in self._names:
            return self._names[value]
        for word in sorted(PRIVATE_CHANNELS.values(), key=len, reverse=True):  # "group DM" before "DM"
            platform, sep, name = f" {value}".partition(f" {word} ")
            if sep and name in self._names:
                return f"{platform.lstrip()} {self._names[name]}".lstrip()
        platform, sep, name = value.partition(" #")
        return f"{platform} #{self._names[name]}" if sep and name in self._names else value


def _person_column(df: pd.DataFrame) -> str | None:
    return next((c for c in PERSON_ID_COLUMNS if c in df.columns), None)


def pseudonymize_frame(df: pd.DataFrame, p: Pseudonymizer, tokens: dict[int, str], scrub: Scrubber,
                       channels: ChannelNames | None = None) -> pd.DataFrame:
    if df is None:
        return pd.DataFrame()
    out = df.copy()
    if channels is not None:
        for c in [c for c in out.columns if str(c).lower() in CHANNEL_COLUMNS]:
            out[c] = out[c].map(channels)
    pid = _person_column(out)
    if pid is not None:
        names = out[pid].map(lambda v: p.person(tokens.get(int(v), f"person:{int(v)}")) if pd.notna(v) else "")
        name_cols = [c for c in out.columns if str(c).lower() in NAME_COLUMNS]
        for c in name_cols:
            out[c] = names
        if not name_cols:
            out.insert(0, "member", names)
    else:
        for c in [c for c in out.columns if str(c).lower() in NAME_COLUMNS]:
            out[c] = out[c].map(lambda v: p.other(str(v)) if isinstance(v, str) and v else v)
    for id_column, name_column in SECOND_PERSON.items():
        if id_column in out.columns:
            out[name_column] = out[id_column].map(
                lambda v: p.person(tokens.get(int(v), f"person:{int(v)}")) if pd.notna(v) else "")
    for c in [c for c in out.columns if str(c).lower() in OTHER_NAME_COLUMNS]:
        out[c] = out[c].map(lambda v: p.other(v) if isinstance(v, str) and v else v)
    drop = [c for c in out.columns if str(c).lower() in DROPPED_COLUMNS or str(c).lower().endswith("_id")
            or str(c) == "id"]
    out = out.drop(columns=drop)
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(lambda v: scrub(v) if isinstance(v, str) else v)
    out.columns = [scrub(str(c)) for c in out.columns]
    return out


def _scrub_any(value: Any, scrub: Scrubber) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {scrub(str(k)): _scrub_any(v, scrub) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub_any(v, scrub) for v in value]
    return value


def _scrub_chart(c: Chart, scrub: Scrubber, channels: ChannelNames) -> Chart:
    df = c.frame.copy()
    df.columns = [scrub(str(channels(col))) for col in df.columns]
    if df.index.dtype == object or pd.api.types.is_string_dtype(df.index):
        df.index = pd.Index([scrub(channels(v)) if isinstance(v, str) else v for v in df.index], name=df.index.name)
    return Chart(c.key, scrub(c.title), c.section, c.kind, df, c.y_label, c.percent, scrub(c.description))


def _people_drawn(c: Chart, p: Pseudonymizer, tokens: dict[int, str], scrub: Scrubber) -> Chart:
    """A chart that names people in its cells (who helps whom) names them by their pseudonyms."""
    if c.kind != "network":
        return c
    return Chart(c.key, c.title, c.section, c.kind, pseudonymize_frame(c.frame, p, tokens, scrub), c.y_label,
                 c.percent, c.description)


def pseudonymize_report(report: ReportData, ws, key: PseudonymKey) -> ReportData:  # noqa: ANN001
    p = Pseudonymizer(key)
    private = private_channels(ws)
    scrub = workspace_scrubber(ws, private)
    ids: set[int] = set()
    named = [t.frame for t in report.tables] + [c.frame for c in report.charts if c.kind == "network"]
    for frame in (f for f in named if f is not None):
        for col in [_person_column(frame), *(c for c in SECOND_PERSON if c in frame.columns)]:
            if col is not None:
                ids.update(int(v) for v in frame[col].dropna())
    tokens = person_tokens(ws, ids)
    channels = ChannelNames(private, p)
    tables = [dataclasses.replace(t, title=scrub(t.title), description=scrub(t.description),
                                  frame=pseudonymize_frame(t.frame, p, tokens, scrub, channels)) for t in report.tables]
    note = ("Pseudonymized: people appear as stable pseudonyms (the same person has the same pseudonym in every "
            "report made with this key), and so do direct-message channels, which are named after them; message "
            "text, handles, e-mails and platform ids are left out.")
    if not key.stable:
        note += " This report used a one-off key: its pseudonyms do not match other reports'."
    period = report.period or {}
    scope = Filters(platforms=tuple(period.get("platforms") or ()), channels=tuple(period.get("channels") or ()),
                    tz=period.get("timezone") or "UTC")
    return report.replace(
        workspace=scrub(report.workspace), filters_text=scrub(filters_text(ws, scope, channels)), tables=tables,
        charts=[_scrub_chart(_people_drawn(c, p, tokens, scrub), scrub, channels) for c in report.charts],
        settings=_scrub_any(report.settings, scrub), pseudonymized=True, pseudonym_note=note)
