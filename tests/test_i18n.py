"""Languages: Bulgarian by default, English and Russian complete; locale from the `lang` cookie, then the browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("cookie,accept,expected", [
    (None, None, "Контактен център на Столична община"),
    (None, "en-GB,en;q=0.9", "Contact centre of Sofia Municipality"),
    (None, "ru", "Контактный центр Столичной общины"),
    (None, "de-DE", "Контактен център на Столична община"),
    ("en", "ru", "Contact centre of Sofia Municipality"),
    ("ru", None, "Контактный центр Столичной общины"),
    ("xx", "en", "Contact centre of Sofia Municipality"),
])
def test_locale_from_cookie_then_accept_language(client, cookie, accept, expected):
    if cookie:
        client.set_cookie("lang", cookie)
    headers = {"Accept-Language": accept} if accept else {}
    page = client.get("/", headers=headers).get_data(as_text=True)
    assert expected in page
    lang = {"Контактен": "bg", "Contact": "en", "Контактный": "ru"}[expected.split()[0]]
    assert f'<html lang="{lang}">' in page


@pytest.mark.parametrize("locale", ["bg", "ru"])
def test_catalogue_is_complete(locale):
    template = {m.id for m in read_po((ROOT / "translations/messages.pot").open("rb")) if m.id}
    with (ROOT / f"translations/{locale}/LC_MESSAGES/messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    assert template - translated == set(), f"untranslated in {locale}"


def test_public_data_has_a_text_per_locale_falling_back_to_bulgarian(create_department):
    department = create_department(name_bg="Дирекция „Чистота“", name_en="Cleanliness Directorate", name_ru="")
    assert department.text("name", "en") == "Cleanliness Directorate"
    assert department.text("name", "ru") == "Дирекция „Чистота“"
    assert department.text("name", "bg") == "Дирекция „Чистота“"


@pytest.mark.parametrize("target,expected", [("/track", "/track"), ("https://evil.example/", "/"),
                                             ("//evil.example", "/")])
def test_the_language_switch_sets_the_cookie_and_returns_to_a_local_page(client, target, expected):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] == expected
    assert "lang=en" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    assert "Contact centre of Sofia Municipality" in client.get("/").get_data(as_text=True)
