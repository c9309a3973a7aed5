"""The status vocabulary, the allowed transitions per kind (one table) and the legal labels.

Labels follow the terms of the jurisdiction (BG): the Administrative Procedure Code
(АПК) for letters, complaints and proposals, and the Access to Public Information
Act (ЗДОИ) for information requests. Overdue is computed, never a status.
"""

from __future__ import annotations

import enum

from app.kinds import Kind


class Status(str, enum.Enum):
    """Where an item is in its workflow."""

    registered = "registered"
    in_progress = "in_progress"
    awaiting_clarification = "awaiting_clarification"
    answered = "answered"
    resolved = "resolved"
    granted = "granted"
    partially_granted = "partially_granted"
    refused = "refused"
    no_information = "no_information"
    forwarded = "forwarded"
    rejected = "rejected"
    duplicate = "duplicate"
    left_without_consideration = "left_without_consideration"
    closed = "closed"


S = Status
# Statuses that end the work on an item; reopening goes back to in_progress.
FINAL = frozenset({S.answered, S.resolved, S.granted, S.partially_granted, S.refused, S.no_information,
                   S.forwarded, S.rejected, S.duplicate, S.left_without_consideration, S.closed})
# Decisions on an info request (ZDOI art. 28, 33, 37).
DECISIONS = frozenset({S.granted, S.partially_granted, S.refused, S.no_information})

_ACK = {S.in_progress, S.awaiting_clarification, S.forwarded, S.duplicate}
_REOPEN = {S.in_progress}
_CLARIFY = {S.awaiting_clarification: {S.in_progress, S.left_without_consideration}}


def _closable(*finals: Status) -> dict[Status, set[Status]]:
    """Final statuses close or reopen; a closed item may reopen."""
    return {**{final: {S.closed} | _REOPEN for final in finals}, S.closed: _REOPEN}


_ENDINGS = (S.forwarded, S.duplicate, S.left_without_consideration)
TRANSITIONS: dict[Kind, dict[Status, frozenset[Status]]] = {
    kind: {state: frozenset(targets) for state, targets in table.items()}
    for kind, table in {
        Kind.problem: {
            S.registered: _ACK | {S.rejected, S.resolved},
            S.in_progress: {S.awaiting_clarification, S.resolved, S.answered, S.forwarded, S.rejected},
            **_CLARIFY, **_closable(S.resolved, S.answered, S.rejected, *_ENDINGS),
        },
        Kind.question: {
            S.registered: _ACK | {S.answered, S.rejected},
            S.in_progress: {S.awaiting_clarification, S.answered, S.forwarded, S.rejected},
            **_CLARIFY, **_closable(S.answered, S.rejected, *_ENDINGS),
        },
        **{kind: {
            S.registered: _ACK | {S.left_without_consideration},
            S.in_progress: {S.awaiting_clarification, S.answered, S.forwarded, S.left_without_consideration},
            **_CLARIFY, **_closable(S.answered, *_ENDINGS),
        } for kind in (Kind.letter, Kind.complaint)},
        Kind.proposal: {
            S.registered: _ACK | {S.granted, S.refused, S.left_without_consideration},
            S.in_progress: {S.awaiting_clarification, S.granted, S.refused, S.answered, S.forwarded,
                            S.left_without_consideration},
            **_CLARIFY, **_closable(S.granted, S.refused, S.answered, *_ENDINGS),
        },
        Kind.info_request: {
            S.registered: _ACK | DECISIONS | {S.left_without_consideration},
            S.in_progress: {S.awaiting_clarification, S.forwarded, S.left_without_consideration} | DECISIONS,
            **_CLARIFY, **_closable(*sorted(DECISIONS, key=lambda s: s.value), *_ENDINGS),
        },
    }.items()
}


def allowed(kind: Kind, current: Status) -> frozenset[Status]:
    """The statuses an item of this kind may move to from the current one."""
    return TRANSITIONS[kind].get(current, frozenset())


def statuses_of(kind: Kind) -> frozenset[Status]:
    """Every status an item of this kind can be in."""
    table = TRANSITIONS[kind]
    return frozenset(table) | frozenset(s for targets in table.values() for s in targets)


def path_to(kind: Kind, target: Status) -> list[Status]:
    """The shortest sequence of transitions from registered to a status (seed data, tests)."""
    paths, queue = {Status.registered: []}, [Status.registered]
    while queue:
        state = queue.pop(0)
        if state == target:
            return paths[state]
        for nxt in sorted(allowed(kind, state), key=lambda s: s.value):
            if nxt not in paths:
                paths[nxt] = paths[state] + [nxt]
                queue.append(nxt)
    raise ValueError(f"{kind.value} never reaches {target.value}")


def is_open(status: Status) -> bool:
    """Whether work on the item is still due."""
    return status not in FINAL


def clock_runs(status: Status) -> bool:
    """Whether the item's deadline runs: open and not waiting for the filer's clarification (the clock stops)."""
    return is_open(status) and status != Status.awaiting_clarification


# The statuses in which the deadline runs (SQL filters: overdue, due within, reminders).
RUNNING = tuple(sorted((s for s in Status if clock_runs(s)), key=lambda s: s.value))


# The glossary: one label per status and locale, in the legal terms of the BG profile.
LABELS: dict[Status, dict[str, str]] = {
    S.registered: {"bg": "регистриран", "en": "registered", "ru": "зарегистрирован"},
    S.in_progress: {"bg": "в процес на разглеждане", "en": "in progress", "ru": "на рассмотрении"},
    S.awaiting_clarification: {"bg": "изчаква уточнение от подателя", "en": "awaiting clarification from the filer",
                               "ru": "ожидает уточнения от заявителя"},
    S.answered: {"bg": "отговорено", "en": "answered", "ru": "дан ответ"},
    S.resolved: {"bg": "решен", "en": "resolved", "ru": "решён"},
    S.granted: {"bg": "предоставен достъп", "en": "access granted", "ru": "доступ предоставлен"},
    S.partially_granted: {"bg": "частичен достъп", "en": "partial access granted",
                          "ru": "частичный доступ"},
    S.refused: {"bg": "отказ", "en": "refused", "ru": "отказано"},
    S.no_information: {"bg": "уведомление за липса на информация", "en": "notice that the information does not exist",
                       "ru": "уведомление об отсутствии информации"},
    S.forwarded: {"bg": "препратено по компетентност", "en": "forwarded to the competent authority",
                  "ru": "направлено по компетенции"},
    S.rejected: {"bg": "отхвърлен", "en": "rejected", "ru": "отклонён"},
    S.duplicate: {"bg": "дублиран сигнал", "en": "duplicate", "ru": "дубликат"},
    S.left_without_consideration: {"bg": "оставено без разглеждане", "en": "left without consideration",
                                   "ru": "оставлено без рассмотрения"},
    S.closed: {"bg": "приключен", "en": "closed", "ru": "закрыт"},
}
# Where the law names a decision differently for a kind (АПК art. 118 for proposals).
KIND_LABELS: dict[tuple[Kind, Status], dict[str, str]] = {
    (Kind.proposal, S.granted): {"bg": "предложението е прието", "en": "proposal accepted", "ru": "предложение принято"},
    (Kind.proposal, S.refused): {"bg": "предложението е отхвърлено", "en": "proposal rejected",
                                 "ru": "предложение отклонено"},
}


def label(status: Status, locale: str = "bg", kind: Kind | None = None) -> str:
    """The status in the legal terms of the jurisdiction, in a locale (falls back to Bulgarian)."""
    texts = KIND_LABELS.get((kind, status)) or LABELS[status]
    return texts.get(locale) or texts["bg"]
