"""`flask areas ...`: load district boundaries and the municipality outline."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.extensions import db
from geo import importer
from geo.models import Area, AreaLevel, forget_districts

areas_cli = AppGroup("areas", help="District boundaries and the municipality outline.")


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
