"""How counts read in every front end: with their noun in the right number."""
from __future__ import annotations

from workbench import fmt


def test_a_count_takes_the_singular_only_for_one():
    assert fmt.plural(1, "account") == "1 account"
    assert fmt.plural(0, "suggestion") == "0 suggestions"
    assert fmt.plural(1200, "reply", "replies") == "1,200 replies"
    assert fmt.plural(1, "broken reference") == "1 broken reference"


def test_a_chart_of_durations_reads_in_the_unit_its_values_reach():
    assert fmt.duration_unit(0) == ("minutes", 60.0)
    assert fmt.duration_unit(135) == ("minutes", 60.0)  # an IRC channel answering in two minutes
    assert fmt.duration_unit(7199) == ("minutes", 60.0)
    assert fmt.duration_unit(7200) == ("hours", 3600.0)  # two hours
    assert fmt.duration_unit(47 * 3600) == ("hours", 3600.0)
    assert fmt.duration_unit(2 * 86400) == ("days", 86400.0)  # a forum answered over days


def test_platforms_are_named_as_people_write_them():
    assert [fmt.platform_name(p) for p in ("slack", "github", "irc", "stackexchange", "mbox", "rocketchat", "zulip")] \
        == ["Slack", "GitHub", "IRC", "Stack Exchange", "Mailing lists", "Rocket.Chat", "Zulip"]
