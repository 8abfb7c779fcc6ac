"""The demo workspace: a small synthetic AI-product community, so a new user sees a living workbench.

The community is written as real export files (a Slack workspace export zip and
DiscordChatExporter JSON channels) and imported through the same importers a user's own exports
go through. It covers a year ending today: a few hundred members who join over time, staff,
bots, a handful of champions who answer newcomers' questions, threads, reactions, unanswered
questions, people active on both platforms, and a champion programme with recognitions.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import random
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from .store.models import Account, ChampionStatus, Recognition

FIRST = ("Ana Ben Chen Dara Eli Femi Gus Hana Ivan Jo Kai Lena Marta Nia Omar Pia Quinn Ravi Sara Tomás "
         "Uma Vik Wen Xavi Yuki Zoe Ali Bea Dev Emre Fatma Goran Hugo Inês Jun Kofi Lucía Mei Nikolai "
         "Olu Priya Rafael Siddharth Thandi Ülkü Vera Wanjiru Yara Zhang").split()
LAST = ("Silva Okafor Nguyen Müller Kowalski Haddad Tanaka Novák Rossi García Ivanova Berg Costa Dubois "
        "Kim Larsen Mensah Patel Quispe Rahman Sato Yılmaz Zhou O'Neil Søndergaard Adeyemi").split()
TOPICS = ("prompt eval dataset notebook GPU token pipeline deploy latency fine-tune agent embedding "
          "index vector cache batch schema docs tutorial release plugin API workflow dashboard "
          "retrieval tool-calling quantization context-window guardrails").split()
SLACK_CHANNELS = ["general", "help", "showcase", "random"]
DISCORD_CHANNELS = ["general", "help", "show-and-tell", "off-topic"]
REACTIONS = [("+1", "👍"), ("heart", "❤️"), ("tada", "🎉"), ("eyes", "👀"), ("rocket", "🚀")]
GUILD = {"id": "1200000000000000000", "name": "AI Builders", "iconUrl": ""}
DISCORD_EPOCH_MS = 1420070400000


@dataclass
class Member:
    pid: int
    name: str
    handle: str
    email: str
    kind: str  # member, staff, bot, champion
    join: float  # day offset
    leave: float
    rate: float  # messages per active day
    platforms: list[str] = field(default_factory=list)

    def slack_id(self) -> str:
        return f"U{self.pid + 1:07d}D"

    def discord_id(self) -> str:
        return str(1210000000000000000 + self.pid * 7919)


@dataclass
class Msg:
    platform: str
    channel: str
    t: float  # seconds from the start
    author: int
    text: str
    parent: int | None = None
    reactions: int = 0


def _members(rng: random.Random, n: int, days: int) -> list[Member]:
    out = []
    champions = max(4, n // 40)
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        kind = "staff" if i < 3 else "bot" if i < 5 else "champion" if i < 5 + champions else "member"
        # A growing community: more people join each month than the month before.
        join = rng.uniform(0, 20) if i < 5 else days * math.sqrt(rng.random())
        if kind == "champion":
            join = rng.uniform(0, days * 0.4)
        stay = days if kind != "member" else rng.expovariate(1 / 200)
        rate = {"staff": 1.6, "bot": 1.0, "champion": 2.2}.get(kind, rng.paretovariate(1.4) * 0.12)
        name = ["DeployBot", "WelcomeBot"][i - 3] if kind == "bot" else f"{first} {last}"
        handle = f"{first.lower()}.{last.lower()}{i}".replace("'", "")
        m = Member(i, name, handle, f"{handle}@example.org", kind, join, min(days, join + max(2.0, stay)), rate)
        r = rng.random()
        m.platforms = ["slack"] if r < 0.5 else ["discord"] if r < 0.8 else ["slack", "discord"]
        if kind in ("staff", "champion"):
            m.platforms = ["slack", "discord"]
        if kind == "bot":
            m.platforms = ["slack"] if i == 3 else ["discord"]
        out.append(m)
    return out


def _sentence(rng: random.Random, question: bool) -> str:
    words = rng.sample(TOPICS, k=rng.randint(2, 5))
    if question:
        return rng.choice([f"How do I set up {words[0]} with {words[1]}?",
                           f"Anyone seen {words[0]} errors after the {words[1]} update?",
                           f"What is the best way to handle {words[0]} for {words[1]}?",
                           f"Is there a guide for {' '.join(words[:2])}?"])
    return rng.choice([f"Shipped a small {words[0]} demo using {words[1]} today",
                       f"Notes on {words[0]} and {words[1]}: " + ", ".join(words[2:]),
                       f"Thanks for the {words[0]} tips, it works now",
                       f"Reading about {' and '.join(words[:2])} this week"])


def _time_of_day(rng: random.Random) -> float:
    """Seconds into a day, busiest in working hours (UTC)."""
    return min(86399.0, max(0.0, rng.gauss(14.5, 3.5))) * 3600


def _around(m: Member, t: float) -> bool:
    """Whether a member is part of the community at ``t`` (seconds from the start)."""
    return m.join * 86400 <= t <= m.leave * 86400


def _messages(rng: random.Random, members: list[Member], days: int, start: dt.datetime) -> list[Msg]:
    msgs: list[Msg] = []
    champions = [m for m in members if m.kind == "champion"]
    staff = [m for m in members if m.kind == "staff"]
    humans = [m for m in members if m.kind != "bot"]
    for m in members:
        span = m.leave - m.join
        mean = m.rate * span * 0.35
        count = max(1, int(rng.gauss(mean, math.sqrt(max(mean, 1.0)))))
        for n in range(count):
            # Most people say something within their first days (an introduction, a first question).
            day = m.join + rng.random() * (min(span, 3.0) if n == 0 else span)
            if rng.random() < 0.6 and (start + dt.timedelta(days=day)).weekday() >= 5:
                day = min(m.leave, day + 2)  # quieter weekends
            t = int(day) * 86400 + _time_of_day(rng)
            platform = rng.choice(m.platforms)
            chans = SLACK_CHANNELS if platform == "slack" else DISCORD_CHANNELS
            newcomer = day - m.join < 30 and m.kind == "member"
            question = m.kind == "member" and rng.random() < (0.45 if newcomer else 0.12)
            chan = chans[1] if question and rng.random() < 0.7 else rng.choice(chans)
            text = f"{m.name.split()[0]} from {GUILD['name']}: deploy finished" if m.kind == "bot" \
                else _sentence(rng, question)
            msgs.append(Msg(platform, chan, t, m.pid, text, reactions=rng.choice([0, 0, 0, 1, 2, 3])))
    base = list(range(len(msgs)))
    for i in base:
        q = msgs[i]
        if members[q.author].kind == "bot":
            continue
        if q.text.endswith("?"):
            if rng.random() < 0.15:
                continue  # unanswered
            pool = champions if rng.random() < 0.6 else staff if rng.random() < 0.5 else humans
            who = rng.choice([p for p in pool if q.platform in p.platforms and p.pid != q.author
                              and _around(p, q.t)] or champions)
            delay = rng.lognormvariate(math.log(3 * 3600), 1.1)
            msgs.append(Msg(q.platform, q.channel, q.t + delay, who.pid, "Try " + _sentence(rng, False).lower(),
                            parent=i, reactions=rng.choice([0, 1, 2, 4])))
            if rng.random() < 0.5:
                msgs.append(Msg(q.platform, q.channel, q.t + delay + rng.uniform(300, 7200), q.author,
                                "That worked, thank you!", parent=i))
        elif rng.random() < 0.25:
            who = rng.choice(humans)
            if q.platform in who.platforms and who.pid != q.author and _around(who, q.t):
                msgs.append(Msg(q.platform, q.channel, q.t + rng.expovariate(1 / 3600), who.pid,
                                _sentence(rng, False), parent=i))
    horizon = days * 86400 - 1
    for msg in msgs:
        msg.t = min(msg.t, horizon)
    return msgs


def _slack_ts(start: dt.datetime, t: float, used: set[str]) -> str:
    us = int((start.timestamp() + t) * 1_000_000)
    while True:
        ts = f"{us // 1_000_000}.{us % 1_000_000:06d}"
        if ts not in used:
            used.add(ts)
            return ts
        us += 1


def _write_slack(path: Path, rng: random.Random, members: list[Member], msgs: list[Msg], start: dt.datetime) -> None:
    people = [m for m in members if "slack" in m.platforms]
    used: set[str] = set()
    ts = {i: _slack_ts(start, m.t, used) for i, m in enumerate(msgs) if m.platform == "slack"}
    replies: dict[int, list[int]] = {}
    for i in ts:
        if msgs[i].parent is not None:
            replies.setdefault(msgs[i].parent, []).append(i)
    users = [{"id": m.slack_id(), "team_id": "TDEMO0001", "name": m.handle, "deleted": m.leave < 300 and rng.random() < 0.05,
              "real_name": m.name, "is_bot": m.kind == "bot", "is_admin": m.kind == "staff",
              "profile": {"real_name": m.name, "display_name": m.name.split()[0],
                          **({"email": m.email} if m.kind != "bot" else {})}} for m in people]
    channels = [{"id": f"CDEMO{n:04d}", "name": c, "created": int(start.timestamp()), "is_general": c == "general",
                 "members": [m.slack_id() for m in people], "topic": {"value": "", "creator": "", "last_set": 0},
                 "purpose": {"value": f"The {c} channel", "creator": "", "last_set": 0}}
                for n, c in enumerate(SLACK_CHANNELS)]
    days: dict[tuple[str, str], list[dict]] = {}
    for m in people:
        if m.kind == "member":
            t = start + dt.timedelta(days=m.join)
            days.setdefault(("general", t.strftime("%Y-%m-%d")), []).append(
                {"type": "message", "subtype": "channel_join", "user": m.slack_id(),
                 "text": f"<@{m.slack_id()}> has joined the channel", "ts": _slack_ts(start, m.join * 86400, used)})
    for i in sorted(ts, key=lambda k: msgs[k].t):
        msg = msgs[i]
        author = members[msg.author]
        if author.kind == "bot":
            obj = {"type": "message", "subtype": "bot_message", "bot_id": "BDEMO0001", "username": author.name,
                   "text": msg.text, "ts": ts[i]}
        else:
            obj = {"type": "message", "user": author.slack_id(), "text": msg.text, "ts": ts[i], "team": "TDEMO0001"}
        if msg.parent is not None:
            obj["thread_ts"] = ts[msg.parent]
            obj["parent_user_id"] = members[msgs[msg.parent].author].slack_id()
        kids = sorted(replies.get(i, []), key=lambda k: msgs[k].t)
        if kids:
            obj.update(thread_ts=ts[i], reply_count=len(kids), latest_reply=ts[kids[-1]],
                       replies=[{"user": members[msgs[k].author].slack_id(), "ts": ts[k]} for k in kids])
        if msg.reactions:
            voters = rng.sample(people, k=min(len(people), msg.reactions))
            name = rng.choice(REACTIONS)[0]
            obj["reactions"] = [{"name": name, "users": [v.slack_id() for v in voters], "count": len(voters)}]
        day = (start + dt.timedelta(seconds=msg.t)).strftime("%Y-%m-%d")
        days.setdefault((msg.channel, day), []).append(obj)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("users.json", json.dumps(users, ensure_ascii=False, indent=1))
        z.writestr("channels.json", json.dumps(channels, ensure_ascii=False, indent=1))
        for name in ("groups.json", "dms.json", "mpims.json"):
            z.writestr(name, "[]")
        for (chan, day), objs in sorted(days.items()):
            z.writestr(f"{chan}/{day}.json", json.dumps(sorted(objs, key=lambda o: o["ts"]), ensure_ascii=False, indent=1))


def _discord_author(m: Member) -> dict:
    roles = [{"id": "1", "name": "Moderator", "color": "#E69F00", "position": 2}] if m.kind == "staff" else []
    return {"id": m.discord_id(), "name": m.handle.split(".")[0] + str(m.pid), "discriminator": "0000",
            "nickname": m.name if m.pid % 3 else m.name.split()[0], "color": None, "isBot": m.kind == "bot",
            "roles": roles, "avatarUrl": ""}


def _write_discord(folder: Path, rng: random.Random, members: list[Member], msgs: list[Msg], start: dt.datetime) -> None:
    tz = dt.timezone(dt.timedelta(hours=2))
    ids: dict[int, str] = {}
    for i, m in enumerate(msgs):
        if m.platform == "discord":
            ms = int((start.timestamp() + m.t) * 1000)
            ids[i] = str(((ms - DISCORD_EPOCH_MS) << 22) + (i % 4096))
    for n, chan in enumerate(DISCORD_CHANNELS):
        cid = str(1200000000000000100 + n)
        events = []
        if chan == "general":
            for m in members:
                if "discord" in m.platforms and m.kind == "member":
                    events.append((m.join * 86400 + 30, "join", m.pid))
        events += [(msgs[i].t, "msg", i) for i in ids if msgs[i].channel == chan]
        events.sort()
        out = []
        for t, what, k in events:
            when = (start + dt.timedelta(seconds=t)).astimezone(tz).isoformat(timespec="milliseconds")
            if what == "join":
                m = members[k]
                jid = str(((int((start.timestamp() + t) * 1000) - DISCORD_EPOCH_MS) << 22) + 4096 + k)
                out.append({"id": jid, "type": "GuildMemberJoin", "timestamp": when, "timestampEdited": None,
                            "isPinned": False, "content": "Joined the server.", "author": _discord_author(m),
                            "attachments": [], "embeds": [], "stickers": [], "reactions": [], "mentions": []})
                continue
            msg = msgs[k]
            obj = {"id": ids[k], "type": "Default", "timestamp": when, "timestampEdited": None, "isPinned": False,
                   "content": msg.text, "author": _discord_author(members[msg.author]), "attachments": [],
                   "embeds": [], "stickers": [], "reactions": [], "mentions": []}
            if msg.parent is not None:
                obj["type"] = "Reply"
                obj["reference"] = {"messageId": ids[msg.parent], "channelId": cid, "guildId": GUILD["id"]}
            if msg.reactions:
                code, glyph = rng.choice(REACTIONS)
                obj["reactions"] = [{"emoji": {"id": "", "name": glyph, "code": code, "isAnimated": False,
                                               "imageUrl": ""}, "count": msg.reactions}]
            out.append(obj)
        doc = {"guild": GUILD, "channel": {"id": cid, "type": "GuildTextChat", "categoryId": "1200000000000000050",
                                           "category": "Text Channels", "name": chan, "topic": None},
               "dateRange": {"after": None, "before": None}, "exportedAt": dt.datetime.now(tz).isoformat(),
               "messages": out, "messageCount": len(out)}
        name = f"{GUILD['name']} - Text Channels - {chan} [{cid}].json"
        (folder / name).write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def _known_people(ws, members: list[Member]) -> int:  # noqa: ANN001
    """The community team already joined the Slack and Discord accounts of the people it knows
    (champions, staff, and about half of the others); the rest stay as merge suggestions."""
    from .people.merge import merge_many

    with ws.connect() as conn:
        person = {(p, e): pid for p, e, pid in conn.execute(select(Account.platform, Account.external_id,
                                                                   Account.person_id))}
    pairs = []
    for m in members:
        if len(m.platforms) < 2 or not (m.kind in ("champion", "staff") or m.pid % 2 == 0):
            continue
        a, b = person.get(("slack", m.slack_id())), person.get(("discord", m.discord_id()))
        if a is not None and b is not None and a != b:
            pairs.append((a, b))
    merge_many(ws, pairs, reason="Known to the community team", by="Community team")
    return len(pairs)


def _programme(ws, members: list[Member], start: dt.datetime, days: int, rng: random.Random) -> None:  # noqa: ANN001
    champions = [m for m in members if m.kind == "champion"]
    with ws.write("demo") as s:
        by_ext = {(a.platform, a.external_id): a for a in s.scalars(select(Account))}

        def account(m: Member) -> Account | None:
            return by_ext.get(("slack", m.slack_id())) or by_ext.get(("discord", m.discord_id()))

        for n, m in enumerate(champions):
            acc = account(m)
            if acc is None:
                continue
            nominated = start + dt.timedelta(days=min(days - 60, m.join + 60 + n * 7))
            stages = [("candidate", nominated - dt.timedelta(days=20), "Answers many newcomer questions"),
                      ("nominated", nominated, "Nominated by the community team")]
            if n % 3 != 2:
                stages.append(("champion", nominated + dt.timedelta(days=30), "Joined the champion programme"))
            if n == 0:
                stages.append(("alumni", start + dt.timedelta(days=days - 20), "Stepped back after a great year"))
            previous = None
            for stage, when, reason in stages:
                s.add(ChampionStatus(person_id=acc.person_id, stage=stage, previous_stage=previous, changed_at=when,
                                     reason=reason, changed_by="Community team"))
                previous = stage
            if n % 2 == 0:
                s.add(Recognition(person_id=acc.person_id, account_id=acc.id, kind="shout-out",
                                  given_at=nominated + dt.timedelta(days=35), note="Thanked in the monthly update",
                                  given_by="Community team", source="manual"))
            if n % 4 == 1:
                s.add(Recognition(person_id=acc.person_id, account_id=acc.id, kind="swag",
                                  given_at=start + dt.timedelta(days=days - 200), note="Hoodie and stickers",
                                  given_by="Community team", source="manual"))


def build_demo(ws, *, members: int = 300, seed: int = 11, days: int = 365, progress=None, cancel=None) -> dict:  # noqa: ANN001
    """Write the demo community as export files, import them into ``ws``, add the programme."""
    rng = random.Random(seed)
    today = dt.datetime.now(dt.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - dt.timedelta(days=days)
    people = _members(rng, members, days)
    msgs = _messages(rng, people, days, start)
    with tempfile.TemporaryDirectory(prefix="workbench-demo-") as tmp:
        folder = Path(tmp)
        _write_slack(folder / "acme-ai-slack-export.zip", rng, people, msgs, start)
        (folder / "discord").mkdir()
        _write_discord(folder / "discord", rng, people, msgs, start)
        result = ws.import_paths([folder / "acme-ai-slack-export.zip", folder / "discord"], progress=progress,
                                 cancel=cancel)
    _known_people(ws, people)
    _programme(ws, people, start, days, rng)
    return {"platforms": "Slack and Discord", "messages": len(msgs), "members": len(people), "run_id": result.run_id}
