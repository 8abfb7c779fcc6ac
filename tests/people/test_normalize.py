"""Names, handles and addresses compare the way a person reads them, in any script."""
from __future__ import annotations

from workbench.people.normalize import clean, compact_handle, handle_core, is_shared_mailbox, name_key, norm_email


def test_invisible_and_bidi_characters_do_not_change_a_name():
    assert clean("Ana\u200b Silva") == clean("\u202eAna Silva\u202c") == clean("  ANA   silva ") == "ana silva"
    assert name_key("ㅤㅤ Ana Silva") == name_key("Silva, Ana") == "ana silva"


def test_full_width_accents_and_case_folding():
    assert clean("Ａｎａ") == "ana"
    assert clean("STRASSE") == clean("straße")
    assert name_key("Tomas Müller") == name_key("TOMAS MULLER") == "muller tomas"
    assert name_key("Çağla Yılmaz") == name_key("cagla yılmaz")


def test_names_in_other_scripts_keep_their_letters():
    assert name_key("Иван Петров") == name_key("иван  петров") == "иван петров"
    assert name_key("山田太郎") == "山田太郎"  # a CJK full name without spaces is still a name
    assert name_key("Ana") == ""  # a lone first name says too little


def test_handles_keep_their_core():
    assert handle_core("ana.silva17") == handle_core("Ana17") == handle_core("@ana_17#0420") == "ana|17"
    assert handle_core("ana1") == ""  # one digit is not enough
    assert compact_handle("Ana.Silva_17#0420") == "anasilva17"


def test_addresses():
    assert norm_email(" Ana.Silva@Example.ORG ") == "ana.silva@example.org"
    assert norm_email("mailto:ana@example.org") == "ana@example.org"
    assert norm_email("not an address") is None
    assert is_shared_mailbox("noreply@github.com") and is_shared_mailbox("notifications@example.org")
    assert not is_shared_mailbox("12345+ana@users.noreply.github.com")
