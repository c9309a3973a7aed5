"""Place search without outside services: districts, Sofia's neighbourhoods and a city's streets, in Cyrillic and
Latin, in every interface language, ranked, each hit labelled with its district; its JSON, its page, its limits."""

from __future__ import annotations

import re

import pytest

from geo.transliteration import fold, search_key
from tests.fixtures.places import ATTRIBUTION


def search(client, q, locale="bg") -> list[dict]:
    response = client.get("/map/places.json", query_string={"q": q, "locale": locale})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Cache-Control"].startswith("public")
    return response.get_json()["results"]


def brief(hit: dict) -> tuple:
    return hit["kind"], hit["name"], (hit["district"] or {}).get("code")


def test_mladost_lists_district_15_first_then_the_neighbourhoods_mladost_1_to_4(client):
    hits = search(client, "Младост")
    assert brief(hits[0]) == ("district", "Младост", "15")
    neighbourhoods = [brief(h) for h in hits[1:] if h["kind"] == "neighbourhood"]
    assert neighbourhoods[:4] == [("neighbourhood", f"Младост {n}", "15") for n in (1, 2, 3, 4)]
    assert [h["kind"] for h in hits[:5]] == ["district"] + ["neighbourhood"] * 4


@pytest.mark.parametrize("typed,locale,name", [("Mladost 1", "en", "Mladost 1"), ("Младост 1", "bg", "Младост 1"),
                                               ("mladost 1", "bg", "Младост 1"), ("Младост 1", "en", "Mladost 1"),
                                               ("МЛАДОСТ-1", "ru", "Младост 1")])
def test_mladost_1_in_either_script_finds_the_neighbourhood_first(client, typed, locale, name):
    assert brief(search(client, typed, locale)[0]) == ("neighbourhood", name, "15")


def test_izgrev_lists_district_08_first_then_three_neighbourhoods_each_labelled_with_its_district(client):
    hits = search(client, "Изгрев")
    assert brief(hits[0]) == ("district", "Изгрев", "08")
    same_name = [h for h in hits[1:] if h["kind"] == "neighbourhood" and h["name"] == "Изгрев"]
    assert [h["district"]["code"] for h in same_name] == ["08", "21", "24"]
    assert [h["district"]["name"] for h in same_name] == ["Изгрев", "Нови Искър", "Банкя"]
    labels = [h["label"] for h in same_name]
    assert len(set(labels)) == 3 and "21 Нови Искър" in labels[1] and "24 Банкя" in labels[2]


def test_a_russian_interface_query_in_cyrillic_matches_the_bulgarian_names(client):
    client.set_cookie("lang", "ru")
    response = client.get("/map/places.json", query_string={"q": "Студентский"})   # the Russian spelling
    hits = response.get_json()["results"]
    assert brief(hits[0]) == ("district", "Студентски", "16")
    assert ("neighbourhood", "Студентски град", "16") in [brief(h) for h in hits]
    assert "район" in hits[0]["label"]           # labelled in the interface's language
    lozenets = client.get("/map/places.json", query_string={"q": "Лозенец"}).get_json()["results"]
    assert [brief(h) for h in lozenets[:2]] == [("district", "Лозенец", "09"), ("neighbourhood", "Лозенец", "09")]


def test_latin_queries_find_cyrillic_names_and_the_english_interface_shows_latin_names(client):
    hits = search(client, "Lyulin 5", "en")
    assert brief(hits[0]) == ("neighbourhood", "Lyulin 5", "19")
    assert brief(search(client, "Hadzhi Dimitar", "bg")[0])[1] == "Хаджи Димитър"
    assert brief(search(client, "izgrv", "en")[0]) == ("district", "Izgrev", "08")      # a letter missing


def test_a_street_of_the_test_file_is_found_by_a_misspelt_name_and_labelled_with_its_district(client, streets):
    for typed in ("Пиратска", "pirotzka", "ул. Пиротска", "Pirotska Street"):
        hits = search(client, typed)
        assert brief(hits[0]) == ("street", "улица „Пиротска“", "03"), typed
        assert "03 Възраждане" in hits[0]["label"]
    assert brief(search(client, "Pirotska", "en")[0])[1] == "Pirotska Street"       # name:en from other_tags


def test_a_street_across_two_districts_is_one_place_in_each_and_a_hit_zooms_to_its_extent(client, streets):
    hits = [h for h in search(client, "Шипка") if h["kind"] == "street"]
    assert sorted(h["district"]["code"] for h in hits) == ["01", "04"]
    in_04 = next(h for h in hits if h["district"]["code"] == "04")
    assert in_04["bbox"] == [23.333, 42.696, 23.339, 42.698]
    west, south, east, north = in_04["bbox"]
    assert west <= in_04["point"][0] <= east and south <= in_04["point"][1] <= north


def test_a_chosen_street_offers_its_point_nearest_the_pin(client, streets):
    hit = next(h for h in search(client, "Пиротска") if h["kind"] == "street")
    place_id = hit["ref"][1:]
    feature = client.get(f"/map/places/{place_id}.geojson", query_string={"lon": "23.3300", "lat": "42.7010"})
    assert feature.status_code == 200 and feature.mimetype == "application/geo+json"
    body = feature.get_json()
    line = body["geometry"]["coordinates"]                 # the two segments merged into one line
    line = line[0] if body["geometry"]["type"] == "MultiLineString" and len(line) == 1 else line
    assert line[0] == [23.315, 42.699] and line[-1] == [23.32, 42.7]
    lon, lat = body["properties"]["point"]
    assert (lon, lat) == (23.32, 42.7)                     # the street's end nearest the pin east of it
    assert client.get(f"/map/places/{place_id}.geojson").get_json()["properties"]["point"] == hit["point"]


def test_unnamed_ways_and_streets_outside_the_districts_are_left_out(client, streets):
    assert "2 unnamed" not in streets and "1 unnamed" in streets and "1 outside the districts" in streets
    assert not [h for h in search(client, "път извън общината") if h["kind"] == "street"]


@pytest.mark.parametrize("typed", ["", "а", " ", "%", "%%", "__", "\\", "'", "ул."])
def test_queries_too_short_to_mean_a_place_find_nothing_rather_than_everything(client, typed):
    assert search(client, typed) == []


def test_wildcards_typed_are_letters_not_patterns(client):
    assert search(client, "Младост%") == search(client, "Младост") == search(client, "Младост_")
    assert search(client, "M%dost 1") == search(client, "M dost 1")      # "%" is a separator, not "any letters"


@pytest.mark.parametrize("query,code", [({"q": "x" * 101}, "too_long"), ({"q": "Младост", "locale": "xx"}, None)])
def test_bad_input_gets_a_json_error_with_a_code_or_a_sensible_default(client, query, code):
    response = client.get("/map/places.json", query_string=query)
    if code:
        assert response.status_code == 400 and response.get_json()["error"] == code
    else:
        assert response.status_code == 200 and response.get_json()["results"]


@pytest.mark.parametrize("args,status", [({"lon": "x", "lat": "1"}, 400), ({"lon": "23.3"}, 400),
                                         ({"lon": "200", "lat": "42"}, 400), ({"lon": "nan", "lat": "42"}, 400)])
def test_a_bad_point_for_a_street_outline_is_a_json_400(client, streets, args, status):
    place_id = search(client, "Пиротска")[0]["ref"][1:]
    response = client.get(f"/map/places/{place_id}.geojson", query_string=args)
    assert response.status_code == status and response.get_json()["error"] == "bad_point"


@pytest.mark.parametrize("place_id", ["0", "999999", "99999999999"])
def test_an_unknown_place_is_a_json_404(client, place_id):
    response = client.get(f"/map/places/{place_id}.geojson")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_the_page_answers_the_search_without_javascript_and_links_to_the_form_at_the_place(client):
    client.set_cookie("lang", "en")
    page = client.get("/places", query_string={"q": "Изгрев"}).get_data(as_text=True)
    assert page.count("Izgrev</strong>") == 4 and "district 21 Novi Iskar" in page
    refs = re.findall(r'/signals/new\?place=(\w+)"', page)
    assert len(refs) == 4 and refs[0].startswith("d") and all(ref.startswith("p") for ref in refs[1:])
    form = client.get(f"/signals/new?place={refs[2]}").get_data(as_text=True)   # Izgrev in Novi Iskar
    assert re.search(r'<option selected value="\d+">21 Novi Iskar</option>', form)
    assert 'name="place_description" type="text" value="Izgrev"' in form


def test_the_form_starts_at_a_street_found_by_search(client, streets):
    hit = search(client, "Пиротска")[0]
    form = client.get(f"/signals/new?place={hit['ref']}").get_data(as_text=True)
    lat = float(re.search(r'name="lat"[^>]* value="([^"]+)"', form).group(1))
    lon = float(re.search(r'name="lon"[^>]* value="([^"]+)"', form).group(1))
    assert (lon, lat) == pytest.approx(tuple(hit["point"]), abs=1e-6)
    assert 'value="улица „Пиротска“"' in form


@pytest.mark.parametrize("typed,status,message", [("x" * 300, 400, "at most 100 characters"),
                                                  ("а", 200, "at least two letters"),
                                                  ("Qwxzqwxz", 200, "No place found")])
def test_the_page_says_what_is_wrong_with_a_query(client, typed, status, message):
    client.set_cookie("lang", "en")
    response = client.get("/places", query_string={"q": typed})
    assert response.status_code == status and message in response.get_data(as_text=True)


def test_the_data_attributions_show_where_the_search_is_offered_once_loaded(client, streets):
    client.set_cookie("lang", "bg")
    for path in ("/", "/signals/new", "/places?q=Лозенец"):
        page = client.get(path).get_data(as_text=True)
        assert "Граници на кварталите: Софияплан" in page and ATTRIBUTION in page, path
    assert search(client, "Лозенец") and ATTRIBUTION in client.get(
        "/map/places.json?q=Лозенец").get_json()["attribution"]


def test_folding_meets_across_scripts_and_forms_of_a_name():
    assert fold("Младост 1") == fold("Mladost 1") == fold("МЛАДОСТ-1") == "mladost 1"
    assert fold("ж.к. Люлин - център") == "lyulin tsentar"
    assert fold("бул. „Витоша“") == fold("Vitosha Blvd") == "vitosha"
    assert fold("Славия") == "slavia" and fold("Щъркел") == "shtarkel" and fold("Ёлка") == "yolka"
    assert fold("ул.") == "ul"                           # nothing but a type word: kept
    assert search_key("Изгрев", "Izgrev", "") == "izgrev"
    assert search_key("Център", "Tsentar", "Центр") == "tsentar | tsentr"
