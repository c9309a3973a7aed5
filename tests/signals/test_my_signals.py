"""The cabinet: every item I filed, public or private, newest first, filtered by kind and status, paginated; nobody
else's."""

from __future__ import annotations

from datetime import timedelta

from app import clock
from app.kinds import Kind
from signals import workflow
from signals.services import change_status
from signals.workflow import Status


def _numbers(page: str) -> list[str]:
    import re

    return re.findall(r'class="number" href="/signals/([A-Z]{2}-\d{4}-\d{6})"', page)


def test_my_items_newest_first_filtered_by_kind_and_status_and_nobody_elses(app, create_signal, create_user,
                                                                            login_as):
    me, other = create_user(), create_user()
    with clock.frozen(clock.now() - timedelta(days=2)):
        old_problem = create_signal(Kind.problem, user=me)
    letter = create_signal(Kind.letter, user=me)
    answered = create_signal(Kind.letter, user=me)
    for status in workflow.path_to(Kind.letter, Status.answered):
        change_status(answered, status, None)
    theirs = create_signal(Kind.letter, user=other)
    client = login_as(me)
    everything = _numbers(client.get("/my/signals").get_data(as_text=True))
    assert everything[-1] == old_problem.number and set(everything) == {old_problem.number, letter.number,
                                                                         answered.number}
    assert theirs.number not in everything
    letters = _numbers(client.get("/my/signals?kind=letter").get_data(as_text=True))
    assert set(letters) == {letter.number, answered.number}
    assert _numbers(client.get("/my/signals?kind=letter&status=answered").get_data(as_text=True)) == [answered.number]
    assert set(_numbers(client.get("/my/signals?kind=nonsense&status=x").get_data(as_text=True))) == set(everything)


def test_the_cabinet_pages_by_twenty(app, create_signal, create_user, login_as):
    me = create_user()
    made = [create_signal(Kind.problem, user=me).number for _ in range(23)]
    client = login_as(me)
    first = _numbers(client.get("/my/signals").get_data(as_text=True))
    second = _numbers(client.get("/my/signals?page=2").get_data(as_text=True))
    assert len(first) == 20 and len(second) == 3 and set(first + second) == set(made)
    assert _numbers(client.get("/my/signals?page=99999").get_data(as_text=True)) == []


def test_the_cabinet_asks_a_visitor_to_log_in(client):
    response = client.get("/my/signals")
    assert response.status_code == 302 and response.headers["Location"].startswith("/account/login?next=")
