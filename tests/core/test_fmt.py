"""How counts read in every front end: with their noun in the right number."""
from __future__ import annotations

from workbench import fmt


def test_a_count_takes_the_singular_only_for_one():
    assert fmt.plural(1, "account") == "1 account"
    assert fmt.plural(0, "suggestion") == "0 suggestions"
    assert fmt.plural(1200, "reply", "replies") == "1,200 replies"
    assert fmt.plural(1, "broken reference") == "1 broken reference"
