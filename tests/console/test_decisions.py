"""Decisions by law on a frozen clock: what each decision on an information request must state (a refusal its
grounds and facts, a grant its extent, term, place, form and costs), the appeal route with its 14 days on every
decision on an information request and on none on a proposal, the requester's notice in their language at the
test SMTP server's outbox, the superior body's extension of a proposal, leaving without consideration once, and a
refusal or rejection of any kind without a reason refused."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import clock
from app.accounts.models import Role
from app.departments.models import Membership
from app.extensions import db
from app.kinds import Kind
from app.mail.delivery import build_message, send
from app.mail.models import Delivery
from signals.models import UpdateKind
from signals.services import decisions
from signals.services.decisions import Decision, DecisionRefused
from signals.services.clarification import expire_clarifications, request_clarification
from signals.services.errors import NotAllowed, TransitionNotAllowed
from signals.services.status import ReasonMissing, change_status
from signals.workflow import Status
from tests.console.test_console_access import SECRET
from tests.signals.formhelpers import form_token

REFUSAL = {"outcome": "refused", "grounds": ["37.1.2"], "reasons": "Договорът съдържа търговска тайна на изпълнителя."}
GRANT = {"outcome": "granted", "extent": "Копие от договора за ремонт на ул. „Шипка“.", "access_form": "copies",
         "term_days": "30", "place": "Деловодство, ул. „Московска“ 33, стая 2", "costs": "2,50"}


@pytest.fixture
def desk(app, db_session, create_category, create_user, create_signal):
    """A routed information request and a proposal, an authorised official, a clerk without the right, the
    department's manager, and requesters reading English and Russian."""
    ir = create_category(Kind.info_request)
    proposals = create_category(Kind.proposal, department=ir.department)
    official = create_user(Role.staff, department=ir.department, totp_secret=SECRET, locale="bg")
    db.session.scalar(select(Membership).where(Membership.user_id == official.id)).may_decide = True
    clerk = create_user(Role.staff, department=ir.department, totp_secret=SECRET)
    manager = create_user(Role.staff, department=ir.department, manager=True, totp_secret=SECRET)
    requester, proposer = create_user(locale="en"), create_user(locale="ru")
    with clock.frozen("2026-12-14 10:00"):
        request = create_signal(Kind.info_request, category=ir, user=requester, point=None)
        request.access_form = "copies"
        proposal = create_signal(Kind.proposal, category=proposals, user=proposer, point=None)
    db.session.commit()
    return {"request": request, "proposal": proposal, "official": official, "clerk": clerk, "manager": manager,
            "requester": requester, "proposer": proposer}


def _decide(client, item, **data):
    page = f"/console/signals/{item.number}/decision"
    version = re.search(r'name="version" type="hidden" value="(\d+)"', client.get(page).get_data(as_text=True))
    return client.post(page, data={"csrf_token": form_token(client, page), "version": version.group(1), **data})


@pytest.fixture
def arrived(app, smtp_server, monkeypatch):
    """arrived(template, recipient) -> the text of that outbox row's mail as it reached the test SMTP server."""
    handler, port = smtp_server
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_SECURITY", "none")
    monkeypatch.setitem(app.config, "SMTP_USER", "")

    def read(template: str, recipient: str) -> str:
        mail = db.session.scalar(select(Delivery).where(Delivery.template == template,
                                                        Delivery.recipient == recipient))
        assert send(build_message(mail)).startswith("250")
        message = handler.messages[-1]
        assert recipient in message["To"]
        return message.get_body(preferencelist=("plain",)).get_content()

    return read


def test_a_refusal_without_grounds_or_facts_is_refused_with_a_message_and_nothing_stored(app, desk, login_as):
    item = desk["request"]
    with clock.frozen("2026-12-21 10:00"):
        client = login_as(desk["official"])
        client.set_cookie("lang", "en")
        bare = _decide(client, item, outcome="refused", reasons="Търговска тайна.")
        silent = _decide(client, item, outcome="refused", grounds=["37.1.2"], reasons="   ")
    db.session.refresh(item)
    assert bare.status_code == 422 and "Name the legal grounds." in bare.get_data(as_text=True)
    assert silent.status_code == 422 and "State the facts and reasons" in silent.get_data(as_text=True)
    assert 'id="grounds-error"' in bare.get_data(as_text=True)        # next to its field
    assert item.status == Status.registered and not [u for u in item.updates if u.kind == UpdateKind.decision]
    assert "Търговска тайна." in bare.get_data(as_text=True)          # what was typed is kept


def test_a_refusal_shows_grounds_facts_and_the_appeal_route_and_tells_the_requester_in_english(arrived, app, desk,
                                                                                             login_as):
    item = desk["request"]
    with clock.frozen("2026-12-21 10:00"):
        done = _decide(login_as(desk["official"]), item, **REFUSAL)
    assert done.status_code == 303
    db.session.refresh(item)
    assert item.status == Status.refused
    with clock.frozen("2026-12-22 10:00"):
        requester = login_as(desk["requester"])
        requester.set_cookie("lang", "en")
        page = requester.get(f"/signals/{item.number}").get_data(as_text=True)
    assert "ZDOI art. 37(1)(2)" in page and "търговска тайна" in page
    assert "appealed to the administrative court" in page and "within 14 days of its communication" in page
    text = arrived("decision", desk["requester"].email)
    assert "refused" in text and "ZDOI art. 37(1)(2)" in text and "within 14 days" in text


def test_a_grant_states_extent_term_place_form_and_costs(arrived, app, desk, login_as):
    item = desk["request"]
    with clock.frozen("2026-12-21 10:00"):
        client = login_as(desk["official"])
        client.set_cookie("lang", "en")
        short = _decide(client, item, **{**GRANT, "term_days": "20"})
        nowhere = _decide(client, item, **{**GRANT, "place": ""})
        done = _decide(client, item, **GRANT)
    assert short.status_code == 422 and "at least 30 days" in short.get_data(as_text=True)
    assert nowhere.status_code == 422 and "State the place of access." in nowhere.get_data(as_text=True)
    assert done.status_code == 303
    requester = login_as(desk["requester"])
    requester.set_cookie("lang", "en")
    page = requester.get(f"/signals/{item.number}").get_data(as_text=True)
    for shown in ("Extent of the information", "Копие от договора", "30 days from receiving this decision",
                  "Copies on paper or another carrier", "Московска", "2.50 EUR", "within 14 days"):
        assert shown in page, shown
    text = arrived("decision", desk["requester"].email)
    assert "access granted" in text and "2.50 EUR" in text and "Term of access" in text


def test_electronic_access_costs_nothing_goes_by_email_and_starts_the_appeal_days(arrived, app, desk):
    item = desk["request"]
    with clock.frozen("2026-12-21 10:00"):
        update = decisions.decide(item, desk["official"], Decision(
            Status.partially_granted, reasons="Данните за лицата са заличени.", grounds=("31.4",),
            extent="Протоколите без личните данни", term_days=30, access_form="electronic",
            costs=Decimal("5"), information_url="https://data.example.org/protocols"))
    assert update.data["costs"] == "0.00" and update.data["place"] == ""
    assert update.data["communicated_on"] == "2026-12-21" and update.data["communicated_by"] == "email"
    assert decisions.appeal_until(update) == date(2027, 1, 4)       # 12-21 + 14 = 01-04 (a Monday)
    text = arrived("decision", desk["requester"].email)
    assert "partial access granted" in text and "none" in text and "https://data.example.org/protocols" in text
    assert "by email" in text and "ZDOI art. 31(4)" in text


def test_every_decision_on_a_request_has_the_appeal_route_and_none_on_a_proposal(arrived, app, desk, login_as):
    request, proposal = desk["request"], desk["proposal"]
    with clock.frozen("2026-12-21 10:00"):
        decisions.decide(request, desk["official"], Decision(Status.no_information))
        decisions.decide(proposal, desk["manager"], Decision(Status.refused, reasons="Няма бюджет за 2027 г."))
    db.session.commit()
    en = login_as(desk["requester"])
    en.set_cookie("lang", "en")
    assert "within 14 days of its communication" in en.get(f"/signals/{request.number}").get_data(as_text=True)
    ru = login_as(desk["proposer"])
    ru.set_cookie("lang", "ru")
    page = ru.get(f"/signals/{proposal.number}").get_data(as_text=True)
    assert "предложение отклонено" in page and "Няма бюджет" in page
    assert "административный суд" not in page and "обжалова" not in page
    proposal_mail = arrived("decision", desk["proposer"].email)
    assert "предложение отклонено" in proposal_mail and "обжал" not in proposal_mail
    assert "в течение 14 дней" not in proposal_mail


def test_a_proposal_is_extended_by_the_superior_body_up_to_six_months_and_the_filer_is_told(arrived, app, desk):
    proposal = desk["proposal"]
    assert proposal.due_on == date(2027, 2, 15)                      # 2 months from 2026-12-14 (a Sunday → Monday)
    with clock.frozen("2027-01-10 10:00"):
        with pytest.raises(NotAllowed):
            decisions.extend_proposal(proposal, desk["official"], 6, "Нужна е проверка.")   # not the superior body
        with pytest.raises(DecisionRefused):
            decisions.extend_proposal(proposal, desk["manager"], 7, "Нужна е проверка.")    # beyond six months
        with pytest.raises(DecisionRefused):
            decisions.extend_proposal(proposal, desk["manager"], 4, "  ")                  # no reason
        decisions.extend_proposal(proposal, desk["manager"], 6, "Нужна е проверка на място.")
    assert proposal.due_on == date(2027, 6, 14)
    text = arrived("extended", desk["proposer"].email)
    assert "6 месяцев" in text and "14 июня 2027" in text and "Нужна е проверка на място." in text
    with clock.frozen("2027-06-15 10:00"):                            # after the deadline: no more
        with pytest.raises(DecisionRefused):
            decisions.extend_proposal(proposal, desk["manager"], 6, "Още.")


def test_leaving_without_consideration_states_its_reason_and_happens_once(arrived, app, desk):
    item = desk["request"]
    with clock.frozen("2026-12-15 10:00"):
        with pytest.raises(DecisionRefused):
            decisions.decide(item, desk["official"], Decision(Status.left_without_consideration,
                                                              reasons="Липсва адрес."))
        decisions.decide(item, desk["official"], Decision(Status.left_without_consideration, grounds=("incomplete",),
                                                          reasons="Липсва адрес за кореспонденция."))
        with pytest.raises(TransitionNotAllowed):
            decisions.decide(item, desk["official"], Decision(
                Status.left_without_consideration, grounds=("incomplete",), reasons="Отново."))
    assert [u.new_status for u in item.updates if u.kind == UpdateKind.decision] == \
        [Status.left_without_consideration]
    text = arrived("decision", desk["requester"].email)
    assert "ZDOI art. 25(2)" in text and "within 14 days" in text


def test_a_request_never_clarified_is_left_without_consideration_under_art_29_by_the_daily_task(arrived, app, desk):
    item = desk["request"]
    with clock.frozen("2026-12-15 10:00"):
        request_clarification(item, desk["official"], "Кой договор точно?")
    notice = db.session.scalar(select(Delivery).where(Delivery.template == "clarification"))
    notice.sent_at = clock.parse_local("2026-12-15 10:05")
    with clock.frozen("2027-01-15 10:00"):
        assert expire_clarifications() == 1 and expire_clarifications() == 0
    decision = decisions.latest(item)
    assert decision.new_status == Status.left_without_consideration and decision.data["grounds"] == ["not_clarified"]
    assert "ZDOI art. 29(2)" in arrived("decision", desk["requester"].email)


def test_only_an_authorised_official_decides_and_records_the_communication_once(app, desk, login_as):
    item = desk["request"]
    clerk = login_as(desk["clerk"])
    assert clerk.get(f"/console/signals/{item.number}/decision").status_code == 403
    assert "Take the decision" not in clerk.get(f"/console/signals/{item.number}").get_data(as_text=True)
    with pytest.raises(NotAllowed):
        decisions.decide(item, desk["clerk"], Decision(Status.no_information))
    with clock.frozen("2026-12-21 10:00"):
        decisions.decide(item, desk["official"], Decision(Status.refused, grounds=("37.1.3",), reasons="Вече дадена."))
    with clock.frozen("2026-12-23 10:00"):
        with pytest.raises(DecisionRefused):
            decisions.record_communication(item, desk["official"], date(2026, 12, 24))   # not yet
        decisions.record_communication(item, desk["official"], date(2026, 12, 22))
        with pytest.raises(DecisionRefused):
            decisions.record_communication(item, desk["official"], date(2026, 12, 23))   # once
    assert decisions.appeal_until(decisions.latest(item)) == date(2027, 1, 5)


def test_a_rejection_or_refusal_of_any_kind_without_a_reason_is_refused(app, desk, create_signal, create_user,
                                                                       login_as):
    problem = create_signal(Kind.problem)
    with pytest.raises(ReasonMissing):
        change_status(problem, Status.rejected, None)
    letter = create_signal(Kind.letter, user=desk["requester"], point=None)
    with pytest.raises(ReasonMissing):
        change_status(letter, Status.left_without_consideration, None, note=" ")
    page = login_as(desk["official"]).get(f"/console/signals/{desk['request'].number}").get_data(as_text=True)
    status_form = page.split('id="status"')[1].split("</form>")[0]
    for decision in ("refused", "granted", "no_information", "left_without_consideration"):   # only the decision page
        assert f'value="{decision}"' not in status_form


def test_past_the_deadline_without_a_decision_the_requester_sees_a_tacit_refusal_and_how_to_appeal(app, desk,
                                                                                                 login_as):
    with clock.frozen("2026-12-30 10:00"):                              # due 2026-12-29
        requester = login_as(desk["requester"])
        requester.set_cookie("lang", "en")
        page = requester.get(f"/signals/{desk['request'].number}").get_data(as_text=True)
    assert "tacit refusal" in page and "within one month" in page and "January 29, 2027" in page
    with clock.frozen("2026-12-29 23:30"):
        requester = login_as(desk["requester"])
        assert "мълчалив отказ" not in requester.get(f"/signals/{desk['request'].number}").get_data(as_text=True)


def test_flask_decide_grant_authorises_a_member_and_refuses_others(app, desk):
    clerk, item = desk["clerk"], desk["request"]
    runner = app.test_cli_runner()
    department = item.department.code
    assert not decisions.may_decide(clerk, item)
    done = runner.invoke(args=["decide", "grant", clerk.email, department])
    assert done.exit_code == 0, done.output
    db.session.expire_all()
    assert decisions.may_decide(clerk, db.session.get(type(item), item.id))
    outsider = runner.invoke(args=["decide", "grant", desk["requester"].email, department])
    assert outsider.exit_code != 0 and "not a member" in outsider.output
    runner.invoke(args=["decide", "grant", clerk.email, department, "--revoke"])
    db.session.expire_all()
    assert not decisions.may_decide(clerk, db.session.get(type(item), item.id))
