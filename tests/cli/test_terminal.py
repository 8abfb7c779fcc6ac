"""What the command line prints from an export is shown, never acted on by the terminal."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "champions"))
from champion_helpers import account, at, msg, write  # noqa: E402

from workbench.cli.terminal import shown  # noqa: E402

RETITLE = "Mallory\x1b]0;pwned\x07"  # sets the terminal window's title
BACKWARDS = "\u202eevil\u202c name"  # the rest of the line reads right to left
WIPE = "Eve\x1b[2J\x9b31m"  # clears the screen, then a C1 control sequence turns the text red


def test_a_terminal_is_shown_the_characters_it_would_act_on():
    assert shown(RETITLE) == "Mallory\\u001b]0;pwned\\u0007"
    assert shown(BACKWARDS) == "\\u202eevil\\u202c name"
    assert shown("50% done\rnow") == "50% done\\u000dnow" and shown("50%\r", keep_cr=True) == "50%\r"
    assert shown("Zoë\tSilva 🚀\n") == "Zoë\tSilva 🚀\n"  # text, tabs, newlines and emoji as they are


def test_names_that_would_drive_the_terminal_are_shown_not_obeyed(cli, ws, ws_path):
    write(ws, [account("m", name=RETITLE), account("b", name=BACKWARDS), account("e", name=WIPE),
               *(msg(who, at("2024-03-01", f"0{i}:00"), text="hello", ext=f"x{i}") for i, who in enumerate("mbe"))])
    r = cli("people", "list", "--workspace", ws_path)
    assert r.code == 0, r
    assert not any(c in r.out for c in "\x1b\x07\x9b\u202e\u202c"), r.out
    assert "Mallory\\u001b]0;pwned\\u0007" in r.out and "\\u202eevil\\u202c name" in r.out
    assert "Eve\\u001b[2J\\u009b31m" in r.out
    # JSON keeps each name exactly: the escapes are JSON's own, read back as the characters.
    names = {p["name"] for p in cli("people", "list", "--workspace", ws_path, "--json").json()}
    assert {RETITLE, BACKWARDS, WIPE} <= names
    # What is typed, said back in an error, is shown the same way.
    r = cli("people", "show", "x\x1b[2Jy", "--workspace", ws_path)
    assert r.code == 2 and "\x1b" not in r.err and "“x\\u001b[2Jy”" in r.err, r
