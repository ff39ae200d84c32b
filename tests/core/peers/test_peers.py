"""Peer groups: distances checked by hand on tiny matrices, the rules for missing values and named
sets, and one pass over the real data (Walsall, agreement with ONS, the CLI)."""

from __future__ import annotations

import argparse
import json
import math
from types import MappingProxyType

import numpy as np
import pandas as pd
import pytest

from lupcore.cli.commands import peers as peers_cmd
from lupcore.data._dataset import Dataset, load_dataset
from lupcore.model import IndicatorMeta, LocalControl, Polarity, Role
from lupcore.peers import (
    PeerError,
    PeerGroup,
    candidate_codes,
    check_variables,
    comparator_set,
    context_matrix,
    distance_matrix,
    explain,
    jaccard,
    mean_overlap,
    nearest_neighbours,
    ons_neighbours,
    overlap_at_k,
    peer_group,
    shrunk_covariance,
)

# Four corners of a square, already z-scored (mean 0, population SD 1), rows deliberately not in
# code order: from X00, X01 and X03 tie at √2 and X02 is 2 away.
CORNERS = pd.DataFrame({"a": [1.0, -1.0, 1.0, -1.0], "b": [1.0, 1.0, -1.0, -1.0]},
                       index=pd.Index(["X00", "X03", "X01", "X02"], name="area_code"))


def _meta(iid: str, role: Role) -> IndicatorMeta:
    return IndicatorMeta(id=iid, label=iid, description="", unit="", decimals=1, polarity=Polarity.CONTEXTUAL,
                         mission=None, capital=None, role=role, local_control=LocalControl.LOW,
                         value_type="count", source_org="test", source_url="")


@pytest.fixture(scope="module")
def tiny() -> Dataset:
    """Five current English/Welsh LTLAs, one abolished district and a region; two context variables."""
    codes = ["E06000001", "E06000002", "E07000001", "W06000001", "E08000001", "E07000099", "E12000001"]
    names = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Old District", "North Region"]
    areas = pd.DataFrame({"code": codes, "name": names, "tier": ["ltla"] * 6 + ["region"],
                          "nation": ["England", "England", "England", "Wales", "England", "England", "England"],
                          "current": [True, True, True, True, True, False, True]}).set_index("code", drop=False)
    pops = [100.0, 1000.0, 10000.0, 0.0, np.nan]  # Delta's 0 cannot be logged; Epsilon unpublished
    ages = [40.0, 42.0, 44.0, 46.0, 48.0]
    latest = pd.DataFrame({"indicator_id": ["population"] * 5 + ["median_age"] * 5 + ["emp_rate"],
                           "area_code": codes[:5] * 2 + [codes[0]], "value": pops + ages + [70.0]})
    neighbours = pd.DataFrame({"area_code": [codes[0]] * 3, "model": ["global"] * 3, "rank": [2, 1, 3],
                               "neighbour_code": [codes[2], codes[1], codes[3]]})
    indicators = {"population": _meta("population", Role.CONTEXT), "median_age": _meta("median_age", Role.CONTEXT),
                  "emp_rate": _meta("emp_rate", Role.HEADLINE)}
    empty = pd.DataFrame()
    return Dataset(indicators=MappingProxyType(indicators), missions=MappingProxyType({}), areas=areas,
                   observations=empty, neighbours=neighbours, clusters=empty, cluster_descriptions={},
                   scoring_periods=empty, latest=latest)


@pytest.fixture(scope="module")
def real() -> Dataset:
    return load_dataset()


# ----- distances on hand-made matrices --------------------------------------------------------
@pytest.mark.parametrize("method", ["euclidean", "mahalanobis"])
def test_corner_distances_by_hand(method: str) -> None:
    # Uncorrelated, unit variance: the shrunk covariance is the identity, so Mahalanobis = Euclidean.
    dist = distance_matrix(CORNERS, method)
    assert dist.loc["X00", "X01"] == pytest.approx(math.sqrt(2))
    assert dist.loc["X00", "X03"] == pytest.approx(math.sqrt(2))
    assert dist.loc["X00", "X02"] == pytest.approx(2.0)


def test_weighted_euclidean_by_hand() -> None:
    # d = sqrt(Σ ω Δ² / Σ ω): a differs by 2 with weight 3 → sqrt(12/4); b differs by 2 with weight 1 → 1.
    dist = distance_matrix(CORNERS, weights={"a": 3.0})
    assert dist.loc["X00", "X03"] == pytest.approx(math.sqrt(3))
    assert dist.loc["X00", "X01"] == pytest.approx(1.0)


@pytest.mark.parametrize("method", ["euclidean", "mahalanobis"])
def test_distance_matrix_symmetric_with_zero_diagonal(method: str) -> None:
    values = np.random.default_rng(3).normal(size=(6, 3))
    values[2, 1] = np.nan
    dist = distance_matrix(pd.DataFrame(values, index=list("ABCDEF"), columns=list("xyz")), method).to_numpy()
    assert np.array_equal(dist, dist.T)
    assert (np.diag(dist) == 0).all()
    assert (dist[~np.eye(6, dtype=bool)] > 0).all()


@pytest.mark.parametrize(("k", "expected"), [(0, 1), (1, 1), (2, 2), (3, 3), (15, 3)])
def test_self_excluded_and_k_clipped(k: int, expected: int) -> None:
    near = nearest_neighbours(CORNERS, "X00", k=k)
    assert len(near) == expected
    assert "X00" not in set(near["code"])
    assert list(near["rank"]) == list(range(1, expected + 1))


def test_ties_broken_by_code_and_similarity_rebased() -> None:
    near = nearest_neighbours(CORNERS, "X00", k=3)
    assert list(near["code"]) == ["X01", "X03", "X02"]  # X03 comes first in the matrix
    assert near["similarity"].tolist() == pytest.approx([1 - math.sqrt(2) / 2, 1 - math.sqrt(2) / 2, 0.0])


def test_mahalanobis_close_to_euclidean_for_independent_variables() -> None:
    values = np.random.default_rng(11).normal(size=(400, 3))
    frame = pd.DataFrame(values, index=[f"A{i:03d}" for i in range(400)], columns=list("xyz"))
    euc, mah = distance_matrix(frame).to_numpy(), distance_matrix(frame, "mahalanobis").to_numpy()
    off = ~np.eye(400, dtype=bool)
    assert np.median(np.abs(mah[off] / euc[off] - 1)) < 0.05


def test_mahalanobis_discounts_a_duplicated_variable() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=40), rng.normal(size=40)
    frame = pd.DataFrame({"a": a, "a_copy": a, "b": b}, index=[f"A{i:02d}" for i in range(40)])
    probes = pd.DataFrame({"a": [0, 1, 0], "a_copy": [0, 1, 0], "b": [0, 0, 1]}, index=["T", "X", "Y"])
    frame = pd.concat([frame, probes.astype(float)])
    ratio = {m: distance_matrix(frame, m).loc["T", "X"] / distance_matrix(frame, m).loc["T", "Y"]
             for m in ("euclidean", "mahalanobis")}
    assert ratio["mahalanobis"] < ratio["euclidean"]  # a and its copy count twice only in Euclidean


def test_shrunk_covariance_matches_reference() -> None:
    # Reference: scikit-learn 1.9.1 sklearn.covariance.ledoit_wolf on the same data.
    x = np.array([[1.0, 2.0, 0.5], [2.0, 1.0, 1.5], [3.0, 4.0, 0.0], [0.0, 1.0, 2.0], [4.0, 3.5, 1.0]])
    cov, shrinkage = shrunk_covariance(x)
    assert shrinkage == pytest.approx(0.263484964992513, abs=1e-12)
    expected = [[1.829613055972, 1.03112104901, -0.368257517504], [1.03112104901, 1.505546440568, -0.515560524505],
                [-0.368257517504, -0.515560524505, 0.72484050346]]
    assert cov == pytest.approx(np.array(expected), abs=1e-11)
    with pytest.raises(PeerError):
        shrunk_covariance(x[:1])


# ----- missing values ---------------------------------------------------------------------------
def _with_gaps() -> pd.DataFrame:
    frame = pd.DataFrame({"a": [1.0, 3.0, 4.0, 8.0, 5.0, 2.0], "b": [2.0, 1.0, 7.0, 3.0, 6.0, np.nan],
                          "c": [5.0, 9.0, 1.0, 2.0, np.nan, np.nan]}, index=list("ABCDEF"))
    return frame  # E lacks c; F has only a (1/3 of the weight, under the 0.5 minimum)


def test_missing_compares_on_shared_variables() -> None:
    frame = _with_gaps()
    full, shared = distance_matrix(frame), distance_matrix(frame[["a", "b"]])
    for other in "ABCD":
        assert full.loc["E", other] == pytest.approx(shared.loc["E", other])
    assert full.loc["A", "B"] != pytest.approx(shared.loc["A", "B"])
    # Filling E's gap with the mean (z = 0) would change the answer: missing is never zero.
    filled = frame.fillna({"c": frame.loc[list("ABCD"), "c"].mean()}).drop(index="F")
    assert full.loc["E", "A"] != pytest.approx(distance_matrix(filled).loc["E", "A"])


@pytest.mark.parametrize("method", ["euclidean", "mahalanobis"])
def test_too_few_shared_variables_excluded(method: str) -> None:
    frame = _with_gaps()
    dist = distance_matrix(frame, method)
    assert dist.loc["F", list("ABCDE")].isna().all()
    assert dist.loc["E", list("ABCD")].notna().all()
    assert "F" not in set(nearest_neighbours(frame, "A", k=5, method=method)["code"])
    with pytest.raises(PeerError, match="too few"):
        nearest_neighbours(frame, "F", method=method)


def test_weight_and_method_errors() -> None:
    with pytest.raises(PeerError):
        distance_matrix(CORNERS, weights={"a": -1.0})
    with pytest.raises(PeerError, match="not in the model"):
        distance_matrix(CORNERS, weights={"zzz": 1.0})
    with pytest.raises(PeerError, match="Euclidean"):
        distance_matrix(CORNERS, "mahalanobis", weights={"a": 2.0})
    with pytest.raises(PeerError):
        distance_matrix(CORNERS, "manhattan")  # type: ignore[arg-type]


def test_constant_variable_is_dropped() -> None:
    dist = distance_matrix(CORNERS.assign(flat=7.0))
    assert dist.attrs["variables"] == ["a", "b"]
    assert dist.loc["X00", "X02"] == pytest.approx(2.0)
    with pytest.raises(PeerError, match="varies"):
        distance_matrix(CORNERS.assign(a=1.0, b=np.nan))


def test_zero_weight_equals_dropping_the_variable() -> None:
    frame = _with_gaps().drop(index="F")
    assert np.allclose(distance_matrix(frame, weights={"c": 0.0}), distance_matrix(frame[["a", "b"]]))


# ----- dataset-facing helpers on a tiny dataset -------------------------------------------------
def test_context_matrix_logs_skewed_variables_only(tiny: Dataset) -> None:
    codes = ["E06000001", "E06000002", "W06000001", "E08000001"]
    raw = context_matrix(tiny, codes, ["population", "median_age"], transform=False)
    logged = context_matrix(tiny, codes, ["population", "median_age"])
    assert list(logged.index) == codes
    assert logged.loc["E06000002", "population"] == pytest.approx(math.log(1000))
    assert logged["median_age"].tolist() == raw["median_age"].tolist() == [40.0, 42.0, 46.0, 48.0]
    assert math.isnan(logged.loc["W06000001", "population"])  # 0 has no log: treated as missing
    assert math.isnan(raw.loc["E08000001", "population"])


def test_candidates_and_variables(tiny: Dataset) -> None:
    assert len(candidate_codes(tiny, "E06000001")) == 5
    assert "W06000001" not in candidate_codes(tiny, "E06000001", same_nation=True)
    with pytest.raises(PeerError, match="not a region"):
        candidate_codes(tiny, "E12000001")
    with pytest.raises(PeerError, match="not a current"):
        candidate_codes(tiny, "E07000099")
    assert check_variables(tiny, [" median_age", "median_age"]) == ("median_age",)
    with pytest.raises(PeerError, match="Unknown variable: foo; outcomes cannot define peers: emp_rate"):
        check_variables(tiny, ["foo", "emp_rate"])


def test_ons_neighbours_in_published_order(tiny: Dataset) -> None:
    assert ons_neighbours(tiny, "E06000001")["code"].tolist() == ["E06000002", "E07000001", "W06000001"]
    assert ons_neighbours(tiny, "E06000001", k=2)["rank"].tolist() == [1, 2]
    assert ons_neighbours(tiny, "E06000002").empty
    with pytest.raises(PeerError):
        ons_neighbours(tiny, "E06000001", model="health")


@pytest.mark.parametrize(("given", "kept", "problem"), [
    (["e06000002", "E06000002", "E07000001"], ("E06000002", "E07000001"), "listed more than once"),
    (["E06000001", "E06000002"], ("E06000002",), "is the area being compared"),
    (["E99999999", "Gamma"], ("E07000001",), "Unknown area 'E99999999'"),
    (["E07000099"], (), "no longer a current area"),
    ([], (), "No comparator areas were given"),
])
def test_comparator_set_messages(tiny: Dataset, given: list[str], kept: tuple[str, ...], problem: str) -> None:
    cleaned, problems = comparator_set(given, tiny, area_code="E06000001")
    assert cleaned == kept
    assert any(problem in p for p in problems), problems


def test_comparator_set_caps_at_ten(real: Dataset) -> None:
    codes = real.comparison_codes("ltla")[:13]
    cleaned, problems = comparator_set(codes, real)
    assert cleaned == tuple(codes[:10])
    assert len(problems) == 1 and "at most 10" in problems[0]
    assert comparator_set(codes[:3], real) == (tuple(codes[:3]), [])


def test_overlap_and_jaccard_by_hand() -> None:
    ours, ons = ["a", "b", "c", "d"], ["b", "a", "e", "f"]
    assert overlap_at_k(ours, ons, 2) == 1.0
    assert overlap_at_k(ours, ons, 4) == 0.5
    assert jaccard(ours, ons, 4) == pytest.approx(2 / 6)
    with pytest.raises(ValueError):
        overlap_at_k(ours, ons, 0)


def test_peer_group_kinds(tiny: Dataset) -> None:
    ons = peer_group(tiny, "E06000001", "ons-global")
    assert ons.codes == ("E06000002", "E07000001", "W06000001") and ons.distances is None
    near = peer_group(tiny, "E06000001", "nearest", k=2, variables=["median_age"])
    assert peer_group(tiny, "E06000001", "nearest", variables=()).label.endswith("2 context variables (euclidean)")
    assert near.codes == ("E06000002", "E07000001") and near.distances == pytest.approx((2 / math.sqrt(8), 4 / math.sqrt(8)))
    custom = peer_group(tiny, "E06000001", "custom", custom=["Gamma", "E06000001"])
    assert custom.codes == ("E07000001",)
    with pytest.raises(PeerError):
        peer_group(tiny, "E06000002", "ons-economic")
    with pytest.raises(PeerError):
        peer_group(tiny, "E06000001", "custom", custom=["nowhere"])


def test_peer_group_is_validated_and_frozen() -> None:
    with pytest.raises(ValueError):
        PeerGroup("cipfa", ("A",), "x")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        PeerGroup("nearest", ("A", "B"), "x", (0.1,))
    group = PeerGroup("custom", ("A",), "x")
    with pytest.raises(AttributeError):
        group.codes = ("B",)  # type: ignore[misc]


def test_explain_shows_raw_values_and_matching_distances(tiny: Dataset) -> None:
    codes = ["E06000001", "E06000002", "E07000001"]
    raw = context_matrix(tiny, codes, ["population", "median_age"], transform=False)
    table = explain(raw, "E06000001", ["E07000001", "E06000002"])
    assert list(table.index) == ["E06000001", "E07000001", "E06000002"]
    assert table.loc["E07000001", "population"] == 10000.0  # raw, not logged or z-scored
    near = nearest_neighbours(context_matrix(tiny, codes, ["population", "median_age"]), "E06000001", k=2)
    assert table.loc[near["code"], "distance"].tolist() == pytest.approx(near["distance"].tolist())
    assert table.loc["E06000001", "distance"] == 0.0


# ----- the real data -----------------------------------------------------------------------------
def test_walsall_nearest_are_current_ltlas(real: Dataset) -> None:
    group = peer_group(real, "E08000030", "nearest")
    assert len(group.codes) == 15 and "E08000030" not in group.codes
    areas = real.areas.loc[list(group.codes)]
    assert areas["current"].all() and areas["tier"].eq("ltla").all()
    assert list(group.distances or ()) == sorted(group.distances or ())
    assert len(peer_group(real, "E08000030", "ons-global", k=20).codes) == 20


def test_real_distance_matrix_and_overlap_in_range(real: Dataset) -> None:
    """Shape and range only: speed is a `make bench` figure, never a timed test."""
    matrix = context_matrix(real, real.comparison_codes("ltla"))
    dist = distance_matrix(matrix).to_numpy()
    assert dist.shape == (361, 361) and np.allclose(dist, dist.T) and np.all(np.diag(dist) == 0)
    overlap = mean_overlap(real)
    assert overlap["k"].tolist() == [5, 10, 20] and (overlap["areas"] == 361).all()
    assert ((overlap["overlap"] > 0) & (overlap["overlap"] < 1)).all()
    assert ((overlap["jaccard"] > 0) & (overlap["jaccard"] <= overlap["overlap"])).all()


def _cli(real: Dataset, argv: list[str]) -> tuple[int, argparse.Namespace]:
    parser = argparse.ArgumentParser()
    peers_cmd.register(parser.add_subparsers())
    args = parser.parse_args(["peers", *argv])
    return args.func(args, real), args


def test_cli_json(real: Dataset, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _cli(real, ["Walsall", "--method", "nearest", "--k", "5", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["area"] == {"code": "E08000030", "name": "Walsall"}
    assert out["method"] == "nearest" and len(out["peers"]) == 5
    assert [p["rank"] for p in out["peers"]] == [1, 2, 3, 4, 5] and out["peers"][0]["distance"] > 0
    _cli(real, ["E08000030", "--json"])  # default: ONS global, as in the app
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "ons-global" and out["k"] == 15 and len(out["peers"]) == 15
    assert all(p["distance"] is None for p in out["peers"])


@pytest.mark.parametrize(("argv", "message"), [
    (["Walsal"], "Closest matches: Walsall (E08000030)"),
    (["Walsall", "--method", "nearest", "--variables", "population,foo"], "Unknown variable: foo"),
    (["Walsall", "--method", "nearest", "--variables", ","], "No peer variables given"),
    (["Walsall", "--method", "ons-global", "--variables", "population"], "nearest only"),
])
def test_cli_errors_exit_2(real: Dataset, capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, _ = _cli(real, argv)
    assert code == 2 and message in capsys.readouterr().err
