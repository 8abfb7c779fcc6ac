"""Secrets in the OS keyring, and the pseudonym key: stored once, reused, never in a file."""
from __future__ import annotations

import pytest

from workbench import secrets
from workbench.errors import KeyringUnavailable, WorkbenchError
from workbench.reports.pseudonymize import KEY_NAME, Pseudonymizer, load_key


def test_a_secret_set_is_read_back_from_the_keyring(memory_keyring):
    secrets.set_secret("discourse-token", "s3cret")
    assert secrets.get_secret("discourse-token") == "s3cret"
    assert memory_keyring.store[(secrets.SERVICE, "discourse-token")] == "s3cret"
    secrets.delete_secret("discourse-token")
    assert secrets.get_secret("discourse-token") is None
    secrets.delete_secret("discourse-token")  # deleting what is not there is not an error


def test_without_a_keyring_backend_the_error_is_one_sentence(no_keyring):
    assert not secrets.keyring_available()
    with pytest.raises(KeyringUnavailable) as info:
        secrets.set_secret("x", "y")
    assert info.value.message.startswith("No keyring is available on this machine")
    with pytest.raises(KeyringUnavailable):
        load_key()


def test_the_pseudonym_key_is_made_once_and_kept_in_the_keyring(memory_keyring):
    first = load_key()
    second = load_key()
    assert first.origin == "keyring" and first.stable
    assert first.key == second.key
    assert memory_keyring.store[(secrets.SERVICE, KEY_NAME)].encode() == first.key
    assert Pseudonymizer(first).person("slack:U1") == Pseudonymizer(second).person("slack:U1")


def test_a_key_from_the_environment_and_a_one_off_key(monkeypatch, no_keyring):
    monkeypatch.setenv("WB_KEY", "k" * 32)
    env = load_key(from_env="WB_KEY")
    assert env.key == b"k" * 32 and env.origin == "env:WB_KEY"
    monkeypatch.setenv("WB_SHORT", "abc")
    with pytest.raises(WorkbenchError, match="WB_SHORT"):
        load_key(from_env="WB_SHORT")
    a, b = load_key(one_off=True), load_key(one_off=True)
    assert not a.stable and a.key != b.key


def test_pseudonyms_are_stable_per_key_and_differ_between_keys():
    p, q = Pseudonymizer(b"a" * 32), Pseudonymizer(b"b" * 32)
    name = p.person("discord:900000000000007919")
    assert name == p.person("discord:900000000000007919")
    assert name.startswith("Member ") and len(name) == len("Member ") + 8
    assert name != q.person("discord:900000000000007919")
    assert name != p.person("discord:900000000000015838")


def test_the_scrubber_knows_a_discord_name_under_its_old_discriminator_and_a_dms_short_name(ws, tmp_path):
    """A Discord account from before 2023 is "Someones name#1234", shown by its nickname: the name
    alone is still a person's name, and a DM's name ("Jo") is removed however short, where it
    stands as a word (not from "Jonas" or "Joint")."""
    import json

    from workbench.reports.pseudonymize import workspace_scrubber

    def channel(guild: dict, chan: dict, author: dict) -> dict:
        return {"guild": guild, "channel": chan, "messages": [
            {"id": chan["id"] + "1", "type": "Default", "timestamp": "2024-03-04T10:00:00+00:00", "content": "hi",
             "author": author, "reactions": [], "mentions": []}]}

    old = {"id": "7001", "name": "Someones name", "discriminator": "1234", "nickname": "Someones nickname",
           "isBot": False}
    jo = {"id": "7002", "name": "jo", "discriminator": "0000", "isBot": False}
    (tmp_path / "general.json").write_text(json.dumps(channel(
        {"id": "900", "name": "Builders"}, {"id": "901", "type": "GuildTextChat", "name": "general"}, old)))
    (tmp_path / "dm.json").write_text(json.dumps(channel(
        {"id": "0", "name": "Direct Messages"}, {"id": "801", "type": "DirectTextChat", "name": "Jo"}, jo)))
    ws.import_paths([tmp_path])
    scrub = workspace_scrubber(ws)
    assert scrub("export by Someones name, checked by Someones nickname") == "export by [removed], checked by [removed]"
    assert scrub("Direct Messages - Private - Jo [801].json") == "Direct Messages - Private - [removed] [801].json"
    assert scrub("Jonas: Joint eval") == "Jonas: Joint eval"
