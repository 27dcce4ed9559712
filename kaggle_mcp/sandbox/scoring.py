"""Scores submissions the way a competition's evaluator would, so agents get honest feedback.

A submission whose columns or ids do not match the sample submission is an ERROR with a Kaggle-like
description; otherwise it is scored against the hidden solution (or, for competitions without one
in the seed, by a deterministic function of its content).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math

from kaggle_mcp.sandbox.world import Competition


def score_submission(comp: Competition, data: bytes) -> tuple[str, str, str]:
    """Return (status, public_score, error_description)."""
    try:
        text = data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
    except (UnicodeDecodeError, csv.Error) as exc:
        return "ERROR", "", f"Could not parse the submission as CSV: {exc}"
    if not rows:
        return "ERROR", "", "Submission file is empty."
    header = [h.strip() for h in rows[0]]
    expected = comp.submission_columns
    if expected and header != expected:
        return "ERROR", "", (f"Submission must have columns {','.join(expected)}; "
                             f"found {','.join(header) or '(none)'}.")
    body = [r for r in rows[1:] if r]
    if comp.solution:
        ids = {r[0] for r in body}
        missing = set(comp.solution) - ids
        if missing or len(body) != len(comp.solution):
            return "ERROR", "", (f"Submission must have {len(comp.solution)} rows, one per id in test "
                                 f"data; found {len(body)} rows ({len(missing)} ids missing).")
        try:
            score = _metric(comp, body)
        except ValueError as exc:
            return "ERROR", "", f"Could not score the submission: {exc}"
        return "COMPLETE", f"{score:.5f}", ""
    digest = int(hashlib.sha256(data).hexdigest()[:8], 16) / 0xFFFFFFFF
    center = comp.leaderboard[len(comp.leaderboard) // 2].score if comp.leaderboard else 0.5
    return "COMPLETE", f"{center * (0.9 + 0.2 * digest):.5f}", ""


def _metric(comp: Competition, body: list[list[str]]) -> float:
    if comp.higher_is_better:      # accuracy
        hits = sum(1 for r in body if comp.solution.get(r[0]) == r[1].strip())
        return hits / len(body)
    total = 0.0                    # RMSE of logs
    for r in body:
        predicted, actual = float(r[1]), float(comp.solution[r[0]])
        total += (math.log1p(max(predicted, 0)) - math.log1p(actual)) ** 2
    return math.sqrt(total / len(body))
