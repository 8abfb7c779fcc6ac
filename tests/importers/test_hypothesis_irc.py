"""Property: mangled IRC log lines never crash an import. Lines are cut, spliced, replaced by any
bytes or by near-misses of the log's forms; the import must finish, each bad line its problem (or,
when the first line is no longer a log line, the file is refused as a format the workbench does not
know)."""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.errors import UnknownFormat


LOG = Path(__file__).resolve().parent.parent / "data" / "irc" / "ChannelLogger" / "libera" / "#aihub" / "#aihub.2024-05-01.log"
NEAR = [b"2024-05-01T09:00:00+0000  <>", b"2024-05-01T09:00:00+0000  <a b> x", b"2024-13-45T99:00:00+0000  <a> x",
        b"2024-05-01T09:00:00+9999  <a> x", b"2024-05-01T09:00:00  * ", b"2024-05-01T09:00:00+0000  ***",
        b"2024-05-01T09:00:00+0000  *** x has joined", b"2024-05-01T09:00:00+0000  --- ", b"\xff\xfe\x00<a>",
        b"2024-05-01T09:00:00+0000  <a!b@c> d: e", b"2024-05-01T09:00:00+0000  <@op> ana_s: \x00\x1b[31m"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.data())
def test_mangled_lines(ws, data):
    lines = LOG.read_bytes().split(b"\n")
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, len(lines) - 1))
        how = data.draw(st.integers(0, 3))
        if how == 0:
            lines[i] = lines[i][: data.draw(st.integers(0, max(0, len(lines[i]) - 1)))]
        elif how == 1:
            lines[i] = data.draw(st.binary(max_size=80)).replace(b"\n", b" ")
        elif how == 2:
            lines[i] = data.draw(st.sampled_from(NEAR))
        else:
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i] = lines[i][: len(lines[i]) // 2] + lines[j][len(lines[j]) // 2:]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "#aihub.2024-05-01.log"
        path.write_bytes(b"\n".join(lines))
        try:
            result = ws.import_paths([path])
        except UnknownFormat as exc:  # the first line is no longer a log line: the file is not claimed
            assert str(exc).endswith("not an export format the workbench knows.")
            return
    assert result.by_kind.get("activities", 0) <= len(lines)
    assert all(p.message.endswith(".") and p.position.startswith("line ") for p in result.problems)
