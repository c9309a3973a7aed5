"""Accounts in Chromium on a phone, in Bulgarian, as a person goes through them: register, open the link from the
mail a real SMTP server received (sent by a real rq worker beside the live server), confirm, log in, turn on
two-factor by reading the key off the page, keep the recovery codes, log out from the header menu, log in again
with the next code, change the password and download my data. Every account page passes axe; every form works
with JavaScript off. Screenshots at 390 px (`name.png`) and 1280 px (`name-1280.png`) go to docs/screenshots/."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pyotp
import pytest

from tests.browser.pages import PHONE, phone, serious_violations, shot

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
WIDE = {"width": 1280, "height": 1000}
PASSWORD = "wistful-harbour-lantern-91"
NEW_PASSWORD = "copper-meadow-whistle-58"
SUBMIT = "main form button[type=submit]"


@pytest.fixture
def mail_worker(live_server, test_config, smtp_server, tmp_path):
    """A real `rq worker` beside the live server, as `make run` starts one: the server's settings (its secret key
    from the same var/, its public address), sending to the test's aiosmtpd server. Yields the SMTP handler."""
    handler, port = smtp_server
    from redis import Redis
    from rq import Queue

    # The demo city's own registration mails wait in the queue (no worker ran yet): hundreds of them would hold this
    # test's mail back, and they are not what this test reads.
    Queue(test_config["RQ_QUEUE"], connection=Redis.from_url(test_config["REDIS_URL"])).empty()
    env = {**os.environ, "DATABASE_URL": test_config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": test_config["REDIS_URL"],
           "RQ_QUEUE": test_config["RQ_QUEUE"], "VAR_DIR": test_config["VAR_DIR"],
           "UPLOAD_DIR": test_config["UPLOAD_DIR"], "PUBLIC_BASE_URL": live_server,
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port)}
    env.pop("APP_ENV", None)
    log = open(tmp_path / "worker.log", "w")
    worker = subprocess.Popen([str(Path(sys.executable).parent / "rq"), "worker", "-w", "app.worker.AppWorker",
                               "--url", test_config["REDIS_URL"],
                               test_config["RQ_QUEUE"]], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    yield handler
    worker.terminate()
    worker.wait(10)
    log.close()


def _mailed_link(handler, to: str, path: str, timeout: float = 30) -> str:
    """The link to `path` in the text part of the newest mail to an address that has one, as it arrived at the
    SMTP server."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in reversed(handler.messages):
            if to in message["To"]:
                text = message.get_body(preferencelist=("plain",)).get_content()
                if found := re.search(rf"(https?://\S+{re.escape(path)}\?token=\S+)", text):
                    return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no mail to {to} within {timeout}s")


def _shoot(page, name: str) -> None:
    """The whole page at 390 px, then at 1280 px; a phone page never scrolls sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    shot(page, name)
    page.set_viewport_size(WIDE)
    shot(page, f"{name}-1280")
    page.set_viewport_size(PHONE)


def _menu(page, target: str) -> None:
    """Open the header's account menu and follow one of its links."""
    page.click("details.user-menu summary")
    page.click(f"details.user-menu a[href$='{target}']")
    page.wait_for_url(f"**{target}")


def test_a_person_registers_confirms_turns_on_two_factor_and_takes_their_data(chromium, live_server, mail_worker):
    email = "maria.ivanova@example.org"
    context, page = phone(chromium)
    violations = {}

    def audit(name: str) -> None:
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.lang") == "bg", name
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
        if found := serious_violations(page):
            violations[name] = found

    page.goto(live_server + "/account/register")
    audit("register")
    page.check("input[name=kind][value=person]")
    assert page.locator("fieldset[data-kind=organisation]").is_hidden()       # register.js shows the person's names
    page.fill("#first_name", "Мария")
    page.fill("#last_name", "Иванова")
    page.fill("#address", "ул. „Граф Игнатиев“ 15, 1000 София")
    page.fill("#email", email)
    page.fill("#phone", "+359 888 123 456")
    page.fill("#password", PASSWORD)
    page.select_option("#locale", "bg")
    _shoot(page, "account-register-bg")
    page.click(SUBMIT)
    page.wait_for_url("**/account/check-mail")
    audit("check-mail")

    link = _mailed_link(mail_worker, email, "/account/confirm")
    assert link.startswith(live_server + "/account/confirm?token=")
    page.goto(link)
    audit("confirm")
    page.click(SUBMIT)
    page.wait_for_url("**/account/login?confirmed=1")
    assert page.locator("main .notice[role=status]").is_visible()
    audit("login")
    page.click("main a[href$='/account/forgot']")
    audit("forgot")
    page.go_back()

    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click(SUBMIT)
    page.wait_for_url("**/my/signals")
    assert "Мария Иванова" in page.inner_text("details.user-menu summary")

    _menu(page, "/account/security")
    audit("security")
    page.click("main a[href$='/account/two-factor']")
    page.wait_for_url("**/account/two-factor")
    assert page.locator(".qr svg").is_visible()
    audit("two-factor")
    _shoot(page, "account-two-factor-bg")
    key = page.inner_text("#totp-secret")                   # read off the page, as a person types it into an app
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4})+", key), key
    totp = pyotp.TOTP(key.replace(" ", ""))
    moment = time.time()
    used_step = int(moment // 30)
    page.fill("#code", totp.at(moment))
    page.click(SUBMIT)
    codes = page.locator("#recovery-codes li")
    codes.first.wait_for()
    assert codes.count() == 10 and all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", c) for c in codes.all_inner_texts())
    audit("recovery codes")
    page.click("main a.button[href$='/account/security']")            # "I have kept the codes"
    page.wait_for_url("**/account/security")

    page.click("details.user-menu summary")
    page.click("details.user-menu form[action$='/account/logout'] button")
    page.wait_for_url(live_server + "/")
    assert page.locator("details.user-menu").count() == 0
    page.click("nav.account a[href$='/account/login']")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click(SUBMIT)
    page.wait_for_url("**/account/login/code")
    assert page.get_attribute("#code", "autocomplete") == "one-time-code"
    audit("login/code")
    _shoot(page, "account-login-2fa-bg")
    while int(time.time() // 30) <= used_step:                # each code works once: wait for the app's next one
        time.sleep(0.5)
    page.fill("#code", totp.now())
    page.click(SUBMIT)
    page.wait_for_url("**/my/signals")

    _menu(page, "/account/profile")
    assert page.input_value("#first_name") == "Мария" and page.input_value("#last_name") == "Иванова"
    audit("profile")
    _shoot(page, "account-profile-bg")

    _menu(page, "/account/security")
    assert page.locator("main a[href$='/account/two-factor/off']").is_visible()        # two-factor is on
    assert page.locator("table.sessions tbody tr").count() == 1
    assert page.locator("table.sessions tbody tr strong").count() == 1                # this browser
    _shoot(page, "account-security-bg")
    page.fill("#current", PASSWORD)
    page.fill("#password", NEW_PASSWORD)
    page.click("main form[action$='/account/password'] button[type=submit]")
    page.wait_for_url("**/account/security")
    assert page.locator("main .notice[role=status]").is_visible()

    _menu(page, "/account/data")
    audit("data")
    with page.expect_download() as download:
        page.click("main a[href$='/account/data.json']")
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["profile"]["email"] == email and data["profile"]["first_name"] == "Мария"
    assert data["profile"]["two_factor"] is True and data["sessions"]

    other, elsewhere = phone(chromium)                        # the new password is the one that works now
    elsewhere.goto(live_server + "/account/login")
    elsewhere.fill("#email", email)
    elsewhere.fill("#password", PASSWORD)
    elsewhere.click(SUBMIT)
    assert elsewhere.locator("#error-summary").is_visible() and "/login/code" not in elsewhere.url
    elsewhere.fill("#password", NEW_PASSWORD)
    elsewhere.click(SUBMIT)
    elsewhere.wait_for_url("**/account/login/code")
    other.close()

    assert page.hosts == {live_server.split("/")[2]} and not page.errors, (page.hosts, page.errors)
    assert not violations, violations
    context.close()


def test_every_account_form_works_without_javascript(chromium, live_server, mail_worker):
    email, new_email = "petar.georgiev@example.org", "p.georgiev@example.net"
    context, page = phone(chromium, java_script_enabled=False)

    page.goto(live_server + "/account/register")
    page.click(SUBMIT)                                                     # empty: every missing field is said
    page.wait_for_selector("#error-summary")
    for name in ("first_name", "last_name", "address", "email", "password"):
        assert page.locator(f"#{name}-error").is_visible(), name
        assert page.get_attribute(f"#{name}", "aria-invalid") == "true", name
    assert page.title().startswith("Грешка")
    assert page.locator("fieldset[data-kind=person]").is_visible()           # both kinds show without the script
    page.fill("#first_name", "Петър")
    page.fill("#last_name", "Георгиев")
    page.fill("#address", "бул. „Витоша“ 1, София")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click(SUBMIT)
    page.wait_for_url("**/account/check-mail")

    page.goto(_mailed_link(mail_worker, email, "/account/confirm"))
    page.click(SUBMIT)
    page.wait_for_url("**/account/login?confirmed=1")

    page.fill("#email", email)
    page.fill("#password", "not-my-password-at-all")
    page.click(SUBMIT)
    summary = page.locator("#error-summary[role=alert]")
    assert summary.is_visible() and summary.inner_text().strip()
    assert page.locator("main form #password").is_visible() and page.input_value("#email") == email
    page.fill("#password", PASSWORD)
    page.click(SUBMIT)
    page.wait_for_url("**/my/signals")

    page.goto(live_server + "/account/profile")
    page.fill("#phone", "букви")
    page.click(SUBMIT)
    assert page.locator("#phone-error").is_visible()
    page.fill("#phone", "+359 2 949 4000")
    page.click(SUBMIT)
    page.wait_for_url("**/account/profile")
    assert page.locator("main .notice[role=status]").is_visible() and page.input_value("#phone") == "+359 2 949 4000"

    page.goto(live_server + "/account/security")
    page.fill("#current", "not-my-password-at-all")
    page.fill("#password", NEW_PASSWORD)
    page.click("main form[action$='/account/password'] button[type=submit]")
    page.locator("#current-error").wait_for(state="visible")          # the answer page, once it has loaded

    page.goto(live_server + "/account/two-factor")
    page.fill("#code", "000000")
    page.click(SUBMIT)
    page.locator("#code-error").wait_for(state="visible")
    totp = pyotp.TOTP(page.inner_text("#totp-secret").replace(" ", ""))
    page.fill("#code", totp.now())
    page.click(SUBMIT)
    recovery = page.locator("#recovery-codes li").all_inner_texts()
    assert len(recovery) == 10

    page.click("details.user-menu summary")                                   # <details> opens without a script
    page.click("details.user-menu form[action$='/account/logout'] button")
    page.wait_for_url(live_server + "/")
    page.goto(live_server + "/account/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click(SUBMIT)
    page.wait_for_url("**/account/login/code")
    page.fill("#code", "123456")
    page.click(SUBMIT)
    assert page.locator("#error-summary[role=alert]").is_visible()
    page.fill("#code", recovery[0])                                           # no app at hand: a recovery code
    page.click(SUBMIT)
    page.wait_for_url("**/my/signals")

    page.goto(live_server + "/account/two-factor/off")
    page.fill("#password", PASSWORD)
    page.click(SUBMIT)
    page.wait_for_url("**/account/security")
    assert page.locator("main a[href$='/account/two-factor']").is_visible()          # off: the way to turn it on

    page.goto(live_server + "/account/email")
    page.fill("#email", new_email)
    page.fill("#password", PASSWORD)
    page.click(SUBMIT)
    page.wait_for_url("**/account/check-mail?change=1")
    page.goto(_mailed_link(mail_worker, new_email, "/account/email/confirm"))
    page.click(SUBMIT)
    page.wait_for_url("**/account/profile")
    assert new_email in page.inner_text("main")

    page.goto(live_server + "/account/security")
    page.click("main form[action$='/account/sessions/end-all'] button")
    page.wait_for_url("**/account/login?everywhere=1")
    page.goto(live_server + "/account/forgot")
    page.fill("#email", new_email)
    page.click(SUBMIT)
    page.wait_for_url("**/account/check-mail?reset=1")
    page.goto(_mailed_link(mail_worker, new_email, "/account/reset"))
    page.fill("#password", NEW_PASSWORD)
    page.click(SUBMIT)
    page.wait_for_url("**/account/login?reset=1")
    page.fill("#email", new_email)
    page.fill("#password", NEW_PASSWORD)
    page.click(SUBMIT)
    page.wait_for_url("**/my/signals")

    page.goto(live_server + "/account/data")
    page.fill("#password", NEW_PASSWORD)
    page.click("main form[action$='/account/delete'] button[type=submit]")
    page.wait_for_url("**/account/deleted")
    assert page.hosts == {live_server.split("/")[2]} and not page.errors, (page.hosts, page.errors)
    context.close()
