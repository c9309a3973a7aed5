"""The six kinds of item in the one registry, and their registry codes.

Kept at the bottom of the layers because categories (app.departments) and the
registry (signals) both need it.
"""

from __future__ import annotations

import enum


class Kind(str, enum.Enum):
    """What a person files; decides visibility, required fields and the deadline rule."""

    problem = "problem"
    question = "question"
    letter = "letter"
    complaint = "complaint"
    proposal = "proposal"
    info_request = "info_request"

    @property
    def code(self) -> str:
        """The two-letter registry code (SG, QN, LT, CP, PR, IR)."""
        return CODES[self]

    @property
    def is_public(self) -> bool:
        """Public kinds are shown to everyone once their checks pass."""
        return self in PUBLIC_KINDS

    @property
    def needs_account(self) -> bool:
        """Private kinds are filed by registered users only."""
        return self not in PUBLIC_KINDS


CODES = {
    Kind.problem: "SG",
    Kind.question: "QN",
    Kind.letter: "LT",
    Kind.complaint: "CP",
    Kind.proposal: "PR",
    Kind.info_request: "IR",
}
KIND_BY_CODE = {code: kind for kind, code in CODES.items()}
PUBLIC_KINDS = frozenset({Kind.problem, Kind.question})
PRIVATE_KINDS = frozenset(set(Kind) - PUBLIC_KINDS)
