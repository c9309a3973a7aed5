"""register() and change_status(): routing, filer snapshot, history, token, workflow guard."""

from __future__ import annotations

import pytest

from app.kinds import Kind
from signals import services, tokens
from signals.models import UpdateKind, Visibility
from signals.workflow import Status


def test_register_snapshots_the_filer_and_starts_the_history(create_signal):
    signal = create_signal(Kind.problem, email="filer@example.org", person_name="Иван Иванов")
    assert signal.filer.email == "filer@example.org" and signal.filer.person_name == "Иван Иванов"
    assert [(u.kind, u.visibility) for u in signal.updates] == [(UpdateKind.registered, Visibility.public),
                                                                 (UpdateKind.notice, Visibility.filer)]
    assert signal.updates[1].delivery_id is not None  # the outbox row is the proof of notice
    assert signal.status == Status.registered and signal.text_approved
    assert signal.filer_token_hash and len(signal.filer_token_hash) == 64


def test_an_account_holder_gets_no_token_and_owns_the_item(create_signal, create_user):
    resident = create_user()
    letter = create_signal(Kind.letter, user=resident, point=None)
    assert letter.user_id == resident.id and letter.filer_token_hash is None
    assert not letter.text_approved


def test_private_kinds_need_an_account(create_category):
    category = create_category(Kind.complaint)
    with pytest.raises(services.InvalidInput):
        services.register(Kind.complaint, services.SignalInput(category=category, title="x"))


def test_category_must_match_the_kind(create_category):
    with pytest.raises(services.InvalidInput):
        services.register(Kind.question, services.SignalInput(category=create_category(Kind.problem)))


def test_held_problem_waits_for_approval(create_signal):
    assert create_signal(Kind.problem, held=True).text_approved is False


def test_change_status_follows_the_workflow_and_records_history(create_signal, create_user):
    signal = create_signal(Kind.problem)
    staff = create_user()
    services.change_status(signal, Status.in_progress, staff, note="Проверка на място")
    services.change_status(signal, Status.resolved, staff)
    services.change_status(signal, Status.closed, staff)
    assert signal.closed_at is not None
    services.change_status(signal, Status.in_progress, staff)  # reopening
    assert signal.closed_at is None
    changes = [(u.old_status, u.new_status) for u in signal.updates if u.kind == UpdateKind.status_change]
    assert changes == [(Status.registered, Status.in_progress), (Status.in_progress, Status.resolved),
                       (Status.resolved, Status.closed), (Status.closed, Status.in_progress)]


@pytest.mark.parametrize("kind,bad", [(Kind.problem, Status.granted), (Kind.info_request, Status.resolved),
                                      (Kind.letter, Status.closed)])
def test_a_transition_outside_the_table_is_refused_and_changes_nothing(create_signal, create_user, kind, bad):
    user = create_user()
    signal = create_signal(kind, user=user, point=None)
    history = len(signal.updates)                  # registered, and the notice to the account's address
    with pytest.raises(services.TransitionNotAllowed):
        services.change_status(signal, bad, user)
    assert signal.status == Status.registered and len(signal.updates) == history


def test_the_token_is_derived_and_only_its_hash_and_generation_are_stored(create_signal):
    signal = create_signal(Kind.problem)
    first = tokens.current(signal)
    assert signal.filer_token_generation == 1 and signal.filer_token_hash == tokens.hash_token(first) != first
    assert len(first) >= 22  # at least 128 bits, url-safe base64
    second = tokens.issue(signal)
    assert signal.filer_token_generation == 2 and second != first
    assert tokens.matches(signal, second) and not tokens.matches(signal, first)
