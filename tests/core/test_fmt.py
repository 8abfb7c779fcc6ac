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


def test_a_count_changes_by_a_share_of_the_previous_figure():
    assert fmt.change(260, 159) == ("▲ 64%", 1)
    assert fmt.change(40, 50, "duration") == ("▼ 20%", -1)
    assert fmt.change(100, 100) == ("= 0%", 0)
    assert fmt.change(5, 0) == ("—", 0)  # no share of nothing
    assert fmt.change(None, 3) == ("—", 0)


def test_a_rate_changes_by_points_and_a_ratio_by_its_difference():
    # 80% to 85% is five points: "▲ 6%" would read as if five in a hundred more were answered
    assert fmt.change(0.85, 0.80, "percent") == ("▲ 5 points", 1)
    assert fmt.change(0.50, 0.51, "percent") == ("▼ 1 point", -1)
    assert fmt.change(0.4, 0.0, "percent") == ("▲ 40 points", 1)  # none answered before is a figure too
    assert fmt.change(0.801, 0.8, "percent") == ("= 0 points", 0)
    # stickiness 0.04 to 1.00 on a quiet period: the old text was "▲ 2400%"
    assert fmt.change(1.0, 0.04, "ratio") == ("▲ 0.96", 1)
    assert fmt.change(0.14, 0.17, "ratio") == ("▼ 0.03", -1)
    assert fmt.change(0.2, 0.2, "ratio") == ("= 0.00", 0)
    assert fmt.change(float("nan"), 0.2, "ratio") == ("—", 0)


def test_a_change_adds_up_with_the_figures_shown_beside_it():
    # the demo's period: 84.4% answered within a day against 81.8% reads "84%" and "82%", so the
    # change is two points, not the three that the unrounded figures give
    assert fmt.percent(0.8443) == "84%" and fmt.percent(0.8178) == "82%"
    assert fmt.change(0.8443, 0.8178, "percent") == ("▲ 2 points", 1)
    assert fmt.change(0.8049, 0.7951, "percent") == ("= 0 points", 0)  # "80%" and "80%"
    assert fmt.change(0.796, 0.804, "percent") == ("= 0 points", 0)  # "80%" and "80%" again
    # stickiness 0.146 against 0.175 reads "0.15" and "0.17": down 0.02, not 0.03
    assert fmt.change(0.1464, 0.1749, "ratio") == ("▼ 0.02", -1)
    assert fmt.change(0.1451, 0.1449, "ratio") == ("▲ 0.01", 1)  # "0.15" and "0.14"


def test_a_recognitions_source_reads_as_words():
    assert [fmt.recognition_source(s) for s in ("manual", "csv", "stackexchange", "")] == \
        ["by hand", "CSV file", "Stack Exchange", ""]


def test_a_snippet_reads_html_as_its_text_and_leaves_chat_alone():
    body = "<p>Which tags should we use for questions about Carthage?</p>\n<p>There have been&nbsp;a few.</p>"
    assert fmt.snippet("Tags for Carthage " + body) == \
        "Tags for Carthage Which tags should we use for questions about Carthage? There have been a few."
    assert fmt.snippet("if a < b and c > d, swap them") == "if a < b and c > d, swap them"  # no markup: as written
    assert fmt.snippet("  many\n\nlines   here ") == "many lines here"
    assert fmt.snippet("x" * 300, 10) == "x" * 9 + "…"
    assert fmt.snippet(None) == ""


def test_a_direct_message_is_labelled_as_one_not_as_a_channel():
    # Slack, Discord and Telegram name a DM after the people in it: "#jane.d, smith" read as a channel
    assert fmt.channel_label("slack", "general") == "Slack #general"
    assert fmt.channel_label("slack", "jane.d, smith", "dm") == "Slack DM jane.d, smith"
    assert fmt.channel_label("discord", "a group chat", "group_dm") == "Discord group DM a group chat"
    assert fmt.channel_label("telegram", "Bob", "dm", with_platform=False) == "DM Bob"
    assert fmt.channel_label("irc", "#ceph") == "IRC #ceph"  # its name has its "#" (it read "IRC ##ceph")
    assert fmt.channel_label("github", "") == "GitHub"  # a question in no channel is where its platform is


def test_a_place_that_is_no_chat_channel_is_named_as_its_platform_names_it():
    # they all read as channels with a '#': "GitHub #chaoss/grimoirelab", "Mailing lists #ovs-dev"
    assert fmt.channel_label("github", "chaoss/grimoirelab", "repository") == "GitHub chaoss/grimoirelab"
    assert fmt.channel_label("mbox", "ovs-dev", "list") == "Mailing list ovs-dev"
    assert fmt.channel_label("stackexchange", "stackoverflow.com", "site") == "Stack Exchange stackoverflow.com"
    assert fmt.channel_label("discourse", "Support", "category") == "Discourse category Support"
    assert fmt.channel_label("meetup", "SQL Saturday Madrid", "event") == "Meetup event SQL Saturday Madrid"
    assert fmt.channel_label("telegram", "Golang Indonesia", "channel") == "Telegram Golang Indonesia"
    assert fmt.channel_label("gitter", "org/room", "channel") == "Gitter org/room"
    assert fmt.channel_label("mbox", "ovs-dev", "list", with_platform=False) == "ovs-dev"
    assert fmt.channel_label("discourse", "Support", "category", with_platform=False) == "category Support"
    assert fmt.channel_label("mbox", "") == "Mailing lists"  # the platform alone keeps its own name
    # a chat channel keeps its '#', a private one too
    assert fmt.channel_label("rocketchat", "general") == "Rocket.Chat #general"
    assert fmt.channel_label("slack", "leads", "private") == "Slack #leads"
    assert fmt.channel_label("irc", "ceph") == "IRC #ceph"


def test_an_update_says_what_it_changed_when_that_is_known():
    assert fmt.updated(2, {"activities": 2}) == "2 activities"
    assert fmt.updated(1, {"accounts": 1}) == "1 account"
    assert fmt.updated(5, {"activities": 2, "channels": 1, "accounts": 2}) == "5 (1 channel, 2 accounts, 2 activities)"
    assert fmt.updated(3, {}) == "3"  # a run imported before the workspace kept what it changed
    assert fmt.updated(0, {}) == "0"
