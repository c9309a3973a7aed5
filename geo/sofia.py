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
