"""A message's text as its platform shows it: Slack's markup read as the Slack app shows it."""
from __future__ import annotations

from workbench import fmt
from workbench.texts import slack_text

NAMES = {"U0BMYT2FL": "Harry Potter", "C0JGLMMNX": "enrique", "U666": "<b>Eve</b> & co"}


def shown(text: str) -> str:
    return fmt.snippet(slack_text(text, NAMES))


def test_slack_markup_reads_as_the_slack_app_shows_it():
    # each read "<@U0BMYT2FL>: ..." in the lists, as no member of the community ever saw it
    assert shown("<@U0BMYT2FL>: Created an issue") == "@Harry Potter: Created an issue"
    assert shown("<@U0003|dizquierdo> commented on <@U0002|acs> file") == "@dizquierdo commented on @acs file"
    assert shown("see <#C0JGLMMNX> and <#C0JL6CGQ2|traveling-sailor>") == "see #enrique and #traveling-sailor"
    assert shown("<!here> <!channel> deploy at 5, <!subteam^S1|@oncall>") == "@here @channel deploy at 5, @oncall"
    assert shown("<https://github.com/a/b|the repo> or <http://x.y/?a=1&amp;b=2>") == \
        "the repo or http://x.y/?a=1&b=2"
    assert shown("write to <mailto:ada@example.com|ada@example.com>") == "write to ada@example.com"
    assert shown("if a &lt; b &amp;&amp; c &gt; d") == "if a < b && c > d"  # Slack's escaping undone once


def test_an_unknown_id_stays_an_id_and_a_name_stays_text():
    assert shown("<@UGONE> left") == "@UGONE left"  # a member the workspace does not know
    assert shown("thanks <@U666>") == "thanks @<b>Eve</b> & co"  # a name with markup is shown as written
    assert shown("no markup at all") == "no markup at all"
