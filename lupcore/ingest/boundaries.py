"""LTLA boundaries from the ONS app's TopoJSON: decode, repair, simplify, write compact GeoJSON.

The TopoJSON holds every vintage 2017–2025; features without an ``end`` year are the 361 LAD
2025 areas. Twelve of them self-intersect after ONS's generalisation, so every polygon goes
through ``make_valid`` (keeping polygon parts only) after rounding to 4 decimals (about 10 m, the TopoJSON grid).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping

PRECISION = 4
SIMPLIFY_TOLERANCE = 0.001  # degrees, about 70-110 m; shared edges kept by coverage simplification


def _decode_arcs(topo: dict) -> list[np.ndarray]:
    scale = np.asarray(topo["transform"]["scale"], dtype=float)
    translate = np.asarray(topo["transform"]["translate"], dtype=float)
    return [np.cumsum(np.asarray(arc, dtype=float), axis=0) * scale + translate for arc in topo["arcs"]]


def _ring(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    parts = []
    for i, index in enumerate(indices):
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        parts.append(arc if i == 0 else arc[1:])
    return np.concatenate(parts)


def _geometry(arcs: list[np.ndarray], geom: dict) -> Polygon | MultiPolygon:
    if geom["type"] == "Polygon":
        rings = [_ring(arcs, r) for r in geom["arcs"]]
        return Polygon(rings[0], rings[1:])
    polys = []
    for poly in geom["arcs"]:
        rings = [_ring(arcs, r) for r in poly]
        polys.append(Polygon(rings[0], rings[1:]))
    return MultiPolygon(polys)


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """make_valid can return a GeometryCollection with stray lines; keep the polygon parts."""
    geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    polys: list[Polygon] = []
    for part in parts:
        polys.extend(part.geoms if part.geom_type == "MultiPolygon" else [part])
    return MultiPolygon(polys) if len(polys) > 1 else polys[0]


def current_ltla(topo_path: Path) -> list[tuple[str, str, shapely.Geometry]]:
    """(code, name, valid geometry) for every LTLA without an end year, sorted by code."""
    topo = json.loads(topo_path.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topo)
    out = []
    for geom in topo["objects"]["ltla"]["geometries"]:
        props = geom["properties"]
        if props.get("end"):
            continue
        out.append((props["areacd"], props["areanm"], _polygonal(_geometry(arcs, geom))))
    return sorted(out, key=lambda row: row[0])


def simplified(features: list[tuple[str, str, shapely.Geometry]]) -> list[tuple[str, str, shapely.Geometry]]:
    """Coverage-preserving simplification, rounding and a final repair."""
    geoms = np.array([g for _, _, g in features], dtype=object)
    simple = shapely.coverage_simplify(geoms, SIMPLIFY_TOLERANCE)
    rounded = shapely.set_precision(simple, 10**-PRECISION)
    return [(c, n, _polygonal(g)) for (c, n, _), g in zip(features, rounded, strict=True)]


def _round(coords: object) -> object:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), PRECISION) for c in coords]
    return [_round(c) for c in coords]  # type: ignore[union-attr]


def geojson(features: list[tuple[str, str, shapely.Geometry]]) -> str:
    """FeatureCollection with ``code``, ``name``, a stable row index ``i`` and empty tooltip slots.

    ``v`` and ``r`` are blank so the map's shared tooltip template reads cleanly over polygons;
    the values themselves travel per rerun with the map's marker layer.
    """
    out = []
    for i, (code, name, geom) in enumerate(features):
        geo = mapping(geom)
        out.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": name, "i": i, "v": "", "r": ""},
                "geometry": {"type": geo["type"], "coordinates": _round(geo["coordinates"])},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": out}, separators=(",", ":"))
