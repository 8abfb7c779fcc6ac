"""Acceptance: every real Telegram sample in ../shared/fixtures/real/telegram imports, with the right facts."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from workbench.store.models import Account, Activity

pytestmark = pytest.mark.acceptance
UTC = dt.timezone.utc

# file -> (activities, accounts, problems) when imported alone into an empty workspace
EXPECTED = {
    "tgif/biasa-vs-enterprise-linux-distro.json": (37, 2, 0),
    "tgif/database-isolation-level.json": (98, 5, 1),  # the note: local times only
    "tgif/dependency-injection-in-a-nutshell.json": (29, 3, 1),
    "tgif/disable-service-gcp-ingress.json": (38, 3, 0),
    "tgif/membuat-linq-efisien.json": (53, 7, 0),
    "tgif/perlu-belajar-assembly.json": (61, 7, 0),
    "tgif/praktik-load-balancer.json": (43, 7, 0),
    "tgif/software-testing.json": (197, 12, 0),
    "tgif/ssl-tidak-hanya-untuk-website.json": (14, 2, 0),
    "tgif/tdd-and-clean-architecture.json": (191, 7, 1),
    "chat-analytics/DM_2A_7M.json": (6, 2, 1),
    "chat-miner/test_batch_export.json": (0, 0, 2),  # messages without ids or senders
    "perceval-botapi/telegram_messages.json": (3, 2, 0),
    "perceval-botapi/telegram_messages_next.json": (2, 2, 0),  # an edited_message updates its message
}


def one(ws, stmt):
    with ws.session() as s:
        return s.scalars(stmt).one()


def act(ws, ext: str) -> Activity:
    return one(ws, select(Activity).where(Activity.platform == "telegram", Activity.external_id == ext))


def acc(ws, ext: str) -> Account:
    return one(ws, select(Account).where(Account.platform == "telegram", Account.external_id == ext))


def test_every_real_telegram_file_is_covered(real):
    files = {p.relative_to(real / "telegram").as_posix() for p in (real / "telegram").rglob("*") if p.is_file()}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_real_file_imports(real, ws, name):
    activities, accounts, problems = EXPECTED[name]
    result = ws.import_paths([real / "telegram" / name])
    assert result.by_kind.get("activities", 0) == activities
    assert result.by_kind.get("accounts", 0) == accounts
    assert result.problem_count == problems
    before = ws.counts()
    assert ws.import_paths([real / "telegram" / name], options={"telegram": {"reread": True}}).added == 0
    assert ws.counts() == before


def test_the_status_is_unchanged_by_a_second_import(real, cli, tmp_path):
    ws = tmp_path / "ws.db"
    path = real / "telegram" / "tgif" / "software-testing.json"
    assert cli("import", "-w", ws, path).code == 0
    before = cli("status", "-w", ws, "--json").json()
    assert cli("import", "-w", ws, path).code == 0
    after = cli("status", "-w", ws, "--json").json()
    assert after == before  # the list of import runs included: nothing new, no run


def test_date_unixtime_is_the_instant(real, ws):
    ws.import_paths([real / "telegram" / "tgif" / "software-testing.json"])
    first = act(ws, "1712691810:242640")  # date "2023-01-20T19:05:09" is the exporter's wall clock
    assert first.created_at == dt.datetime.fromtimestamp(1674216309, UTC) == dt.datetime(2023, 1, 20, 12, 5, 9, tzinfo=UTC)
    assert first.account_id == acc(ws, "user1462097294").id


def test_from_null_is_a_deleted_account(real, ws):
    ws.import_paths([real / "telegram" / "tgif" / "tdd-and-clean-architecture.json"])
    gone = acc(ws, "user1168523623")
    assert gone.is_deleted and not gone.placeholder
    with ws.session() as s:
        assert s.scalar(select(func.count()).select_from(Activity).where(Activity.account_id == gone.id)) == 12
    assert act(ws, "1712691810:54767").text == "what is the alternative?"


def test_the_conversations_of_one_group_share_a_chat_and_link_replies(real, ws):
    ws.import_paths([real / "telegram" / "tgif"])
    with ws.session() as s:
        total = s.scalar(select(func.count()).select_from(Activity))
        dangling = s.scalar(select(func.count()).select_from(Activity).where(
            Activity.parent_external_id.is_not(None), Activity.parent_id.is_(None)))
    assert total == 761
    assert dangling == 25  # replies to messages outside the files keep their parent id
    reply = act(ws, "1712691810:54767")
    assert reply.parent_external_id == "1712691810:54765"


def test_service_messages_are_not_activities(real, ws):
    ws.import_paths([real / "telegram" / "chat-analytics" / "DM_2A_7M.json"])
    with ws.session() as s:
        ids = sorted(s.scalars(select(Activity.external_id)))
    assert "700000000:2675" not in ids and "700000000:3674" not in ids
    assert act(ws, "700000000:3662").created_at == dt.datetime.fromtimestamp(1652135033, UTC)


def test_bot_api_pages(real, ws):
    folder = real / "telegram" / "perceval-botapi"
    ws.import_paths([folder / "telegram_messages.json", folder / "telegram_messages_next.json"])
    assert act(ws, "2:35").text == "Holaaa" and act(ws, "2:35").edited_at is not None
    assert act(ws, "1:31").account_id == acc(ws, "user8").id
    assert acc(ws, "user8").handle == "sdd"


def test_a_public_supergroups_message_links_to_telegram(real, ws):
    """A message of a public supergroup opens at t.me/c/<chat>/<message>, the link Telegram's own
    "Copy message link" gives its members."""
    from workbench.permalinks import links_of

    ws.import_paths([real / "telegram" / "tgif" / "software-testing.json"])
    first = act(ws, "1712691810:242640")
    with ws.connect() as conn:
        assert links_of(conn, [first.id])[first.id].url == "https://t.me/c/1712691810/242640"
