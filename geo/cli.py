"""`flask areas ...`, `flask places ...`, `flask streets ...`: load district boundaries, the municipality outline,
and the neighbourhoods and streets that place search finds."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.extensions import db
from geo import importer, place_import
from geo.models import Area, AreaLevel, Place, PlaceKind, forget_districts
from geo.place_search import forget_attributions
from geo.sofia import NEIGHBOURHOOD_ATTRIBUTION, NEIGHBOURHOODS_FILE, OSM_ATTRIBUTION

areas_cli = AppGroup("areas", help="District boundaries and the municipality outline.")
places_cli = AppGroup("places", help="Neighbourhoods and streets for place search.")
streets_cli = AppGroup("streets", help="A city's named streets for place search (e.g. an OpenStreetMap extract).")


def _parse_bounds(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    try:
        west, south, east, north = (float(part) for part in value.split(","))
    except ValueError as exc:
        raise click.BadParameter("expected W,S,E,N in degrees") from exc
    return west, south, east, north


def expected_bounds(level: AreaLevel) -> tuple[float, float, float, float] | None:
    """Where new areas must lie: the box of the municipality outline, padded by ~5 km (None if none loaded).

    A file with lon/lat swapped still holds valid degrees (42.7 is a longitude), so
    ranges alone cannot catch it; the outline the city already loaded can.
    """
    reference = select(func.ST_Extent(Area.geom))
    if level == AreaLevel.district:
        reference = reference.where(Area.level == AreaLevel.municipality)
    box = db.session.execute(select(func.ST_XMin(reference.scalar_subquery()),
                                    func.ST_YMin(reference.scalar_subquery()),
                                    func.ST_XMax(reference.scalar_subquery()),
                                    func.ST_YMax(reference.scalar_subquery()))).one()
    if box[0] is None:
        return None
    pad = 0.05
    return box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad


@areas_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--level", type=click.Choice([level.value for level in AreaLevel]), default="district",
              show_default=True)
@click.option("--bounds", help="W,S,E,N the areas must lie in (default: the loaded municipality outline).")
def import_command(path: Path, level: str, bounds: str | None) -> None:
    """Import areas from a GeoJSON FeatureCollection (CRS84/EPSG:4326; properties code, name_bg, name_en)."""
    area_level = AreaLevel(level)
    box = _parse_bounds(bounds) or expected_bounds(area_level)
    try:
        with click.progressbar(length=_feature_count(path), label=f"checking {path.name}", file=None) as bar:
            parsed = importer.parse(path, box, progress=bar.update)
    except importer.AreaImportError as error:
        db.session.rollback()
        click.echo(f"areas: {path.name} refused, nothing changed:", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from None
    count = importer.store(parsed, area_level)
    db.session.commit()
    forget_districts()
    click.echo(f"areas: {count} {level} area(s) imported from {path.name}; running web servers see them "
               f"within a minute")


def _feature_count(path: Path) -> int:
    import json

    try:
        return len(json.loads(path.read_text(encoding="utf-8")).get("features") or [])
    except (OSError, ValueError, AttributeError):
        return 0


@areas_cli.command("list")
def list_command() -> None:
    """Print the loaded areas: code, level, Bulgarian name."""
    for area in db.session.scalars(select(Area).order_by(Area.level, Area.code)):
        click.echo(f"{area.code}\t{area.level.value}\t{area.name_bg}")


def _import_places(path: Path, kind: PlaceKind, attribution: place_import.Attribution, bounds: str | None) -> None:
    """Validate the whole file, then replace the kind's places; on any bad feature say which and change nothing."""
    box = _parse_bounds(bounds) or expected_bounds(AreaLevel.district)
    try:
        with click.progressbar(length=_feature_count(path), label=f"checking {path.name}", file=None) as bar:
            report = place_import.import_file(path, kind, attribution, box, progress=bar.update)
    except importer.AreaImportError as error:
        db.session.rollback()
        click.echo(f"{kind.value}s: {path.name} refused, nothing changed:", err=True)
        for problem in error.problems[:50]:
            click.echo(f"  {problem}", err=True)
        if len(error.problems) > 50:
            click.echo(f"  … and {len(error.problems) - 50} more", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    forget_attributions()
    skipped = ", ".join(f"{count} {why}" for why, count in report.skipped.items() if count)
    click.echo(f"{kind.value}s: {report.places} place(s) from {report.features} feature(s) of {path.name}"
               + (f" ({skipped} skipped)" if skipped else "") + "; attribution shown: " + attribution.bg)


def _attribution_options(command):
    for option in (click.option("--licence", default="", help="The data's licence, e.g. ODbL-1.0 or CC-BY-4.0."),
                   click.option("--attribution-ru", default="", help="The attribution in Russian."),
                   click.option("--attribution-en", default="", help="The attribution in English."),
                   click.option("--attribution", "attribution_bg", default="",
                                help="The attribution the data's owner asks for, in Bulgarian (shown on every page "
                                     "with place search while the data is loaded)."),
                   click.option("--bounds", help="W,S,E,N the places must lie in (default: the municipality).")):
        command = option(command)
    return command


def _attribution(preset: dict | None, bg: str, en: str, ru: str, licence: str) -> place_import.Attribution:
    preset = preset or {}
    attribution = place_import.Attribution(bg or preset.get("bg", ""), en or preset.get("en", ""),
                                           ru or preset.get("ru", ""), licence or preset.get("licence", ""))
    if not attribution.bg.strip():
        raise click.UsageError("say whose data this is: --attribution \"…\" (and --licence), or --osm for an "
                               "OpenStreetMap extract")
    return attribution


@places_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice([kind.value for kind in PlaceKind]), default="neighbourhood",
              show_default=True)
@_attribution_options
def places_import_command(path: Path, kind: str, attribution_bg: str, attribution_en: str, attribution_ru: str,
                          licence: str, bounds: str | None) -> None:
    """Import neighbourhoods (polygons: name_bg or name, name_en, name_ru, district_code) or streets from GeoJSON."""
    _import_places(path, PlaceKind(kind), _attribution(None, attribution_bg, attribution_en, attribution_ru,
                                                       licence), bounds)


@places_cli.command("sofia")
def places_sofia_command() -> None:
    """Import Sofia's 121 neighbourhoods that ship with the project, with their attribution."""
    _import_places(NEIGHBOURHOODS_FILE, PlaceKind.neighbourhood,
                   _attribution(NEIGHBOURHOOD_ATTRIBUTION, "", "", "", ""), None)


@places_cli.command("list")
@click.option("--kind", type=click.Choice([kind.value for kind in PlaceKind]), default=None)
def places_list_command(kind: str | None) -> None:
    """Print the loaded places: kind, district, Bulgarian name."""
    query = select(Place.kind, Place.district_code, Place.name_bg).order_by(Place.kind, Place.name_bg)
    if kind:
        query = query.where(Place.kind == PlaceKind(kind))
    for place_kind, district, name in db.session.execute(query):
        click.echo(f"{place_kind.value}\t{district or '-'}\t{name}")


@streets_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--osm", is_flag=True, help="The file is an OpenStreetMap extract: ODbL and its attribution.")
@_attribution_options
def streets_import_command(path: Path, osm: bool, attribution_bg: str, attribution_en: str, attribution_ru: str,
                           licence: str, bounds: str | None) -> None:
    """Import named streets (GeoJSON LineStrings, e.g. `ogr2ogr -f GeoJSON streets.geojson extract.osm.pbf lines`)."""
    _import_places(path, PlaceKind.street, _attribution(OSM_ATTRIBUTION if osm else None, attribution_bg,
                                                        attribution_en, attribution_ru, licence), bounds)
