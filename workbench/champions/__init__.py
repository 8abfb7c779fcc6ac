"""Champions and recognition: the people who carry the community, and whether they are thanked.

- ``score``: the champion score (an explainable weighted sum of five components over a period),
  candidates and the evidence behind a score. Components are read once per period; a re-rank
  with other weights is arithmetic on that frame.
- ``programme``: the stages of the champion programme, moves with date and reason (history kept),
  undo of the last move.
- ``recognition``: the log of recognitions, the recognition gap and the recognition impact.
- ``export``: ``candidates.csv`` of ``workbench export-metrics``.
"""
from __future__ import annotations

STAGES: tuple[str, ...] = ("candidate", "nominated", "champion", "alumni")
NO_STAGE = "(none)"  # a move out of the programme
