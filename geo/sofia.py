"""The Sofia boundaries that ship with the project (a copy of shared/data; see geo/data/README.md)."""

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
DISTRICTS_FILE = DATA / "sofia-districts.geojson"
MUNICIPALITY_FILE = DATA / "sofia-municipality.geojson"

# Shown beside every map that draws these boundaries (geo/data/README.md, "Licence and attribution").
ATTRIBUTION = {
    "bg": "Граници на районите: Софияплан / Столична община, „Административно-териториално деление на "
          "Столична община“ (отворени данни, api.sofiaplan.bg/datasets/350).",
    "en": "District boundaries: Sofiaplan / Sofia Municipality open data, dataset 350.",
    "ru": "Границы районов: Sofiaplan / Столичная община, открытые данные, набор 350.",
}

NEIGHBOURHOODS_FILE = DATA / "sofia-neighbourhoods.geojson"
# geo/data/README.md, "Sofia neighbourhoods", "Licence and attribution": to confirm before a public release.
NEIGHBOURHOOD_ATTRIBUTION = {
    "bg": "Граници на кварталите: Софияплан / Столична община (отворени данни, вероятно набор № 297, "
          "api.sofiaplan.bg/datasets/297), по копие на „Екипът на София“ (github.com/ekipnasofia/website-maps).",
    "en": "Neighbourhood boundaries: Sofiaplan / Sofia Municipality open data (probably dataset 297), via Ekipat na "
          "Sofia (github.com/ekipnasofia/website-maps).",
    "ru": "Границы кварталов: Sofiaplan / Столичная община, открытые данные (вероятно, набор 297), по копии "
          "«Екипът на София» (github.com/ekipnasofia/website-maps).",
    "licence": "unverified (Sofiaplan open data)",
}
# What an OpenStreetMap extract needs (ODbL 1.0): `flask streets import --osm`.
OSM_ATTRIBUTION = {
    "bg": "Улици: © сътрудниците на OpenStreetMap (openstreetmap.org/copyright), ODbL.",
    "en": "Streets: © OpenStreetMap contributors (openstreetmap.org/copyright), ODbL.",
    "ru": "Улицы: © участники OpenStreetMap (openstreetmap.org/copyright), ODbL.",
    "licence": "ODbL-1.0",
}


def load_neighbourhoods() -> int:
    """Import the shipped neighbourhoods with their attribution (in the caller's transaction); how many."""
    from geo.models import PlaceKind
    from geo.place_import import Attribution, import_file

    return import_file(NEIGHBOURHOODS_FILE, PlaceKind.neighbourhood, Attribution(**NEIGHBOURHOOD_ATTRIBUTION)).places
