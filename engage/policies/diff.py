"""A readable, clause-by-clause comparison of two policy versions (pure functions)."""

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from engage.policies.models import clause_statuses  # noqa: F401  (the one definition lives with the model)

_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> Markup:
    """`new` with the words removed since `old` in <del> and the words added in <ins>; all text escaped."""
    a = _TOKENS.findall(old or "")
    b = _TOKENS.findall(new or "")
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(str(escape("".join(a[i1:i2]))))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return Markup("".join(out))  # noqa: S704  (every piece above is escaped)


@dataclass
class ClauseChange:
    key: str
    status: str  # added / removed / changed / unchanged
    old: object | None  # Clause
    new: object | None  # Clause
    heading_diff: Markup | None = None
    text_diff: Markup | None = None


def compare_versions(old_clauses, new_clauses) -> list[ClauseChange]:
    """Clauses matched by key: added, removed, changed (with a word diff) or unchanged, in new order."""
    old_by_key = {c.key: c for c in old_clauses}
    new_keys = {c.key for c in new_clauses}
    changes = []
    for clause in new_clauses:
        before = old_by_key.get(clause.key)
        if before is None:
            changes.append(ClauseChange(clause.key, "added", None, clause))
        elif before.text != clause.text or before.heading != clause.heading:
            changes.append(
                ClauseChange(
                    clause.key,
                    "changed",
                    before,
                    clause,
                    heading_diff=word_diff(before.heading, clause.heading),
                    text_diff=word_diff(before.text, clause.text),
                )
            )
        else:
            changes.append(ClauseChange(clause.key, "unchanged", before, clause))
    changes.extend(ClauseChange(c.key, "removed", c, None) for c in old_clauses if c.key not in new_keys)
    return changes
