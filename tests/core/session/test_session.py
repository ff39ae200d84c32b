"""The view state's two encodings: URL query parameters and the JSON session file."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from lupcore.data.examples import example_panel
from lupcore.scoring import build_engine
from lupcore.session import (
    MAX_SESSION_BYTES,
    PEER_K_RANGE,
    PEER_KINDS,
    PeerSpec,
    SessionFileError,
    ViewState,
    decode_query,
    decode_scenarios,
    encode_query,
    encode_scenarios,
    from_session_file,
    to_session_file,
)
from lupcore.settings import AGGREGATIONS, MINIMUM_PRESETS, NORMALISATIONS, TARGET_PRESETS, WEIGHT_PRESETS, Settings

IDS = ("pay", "employment", "travel_time", "ks2", "gva_per_hour")
CODES = ("E06000001", "E08000030", "W06000015", "S12000036", "E10000003", "E47000001")
LABELS = ("2019-01-01/P1Y", "2016-09-01/P1Y", "2020-01-01/P3Y", "2024-06-30")


def _sorted_pairs(keys: st.SearchStrategy, values: st.SearchStrategy, n: int = 3) -> st.SearchStrategy:
    return st.dictionaries(keys, values, max_size=n).map(lambda d: tuple(sorted(d.items())))


def _unique(items: st.SearchStrategy, n: int) -> st.SearchStrategy:
    return st.lists(items, unique=True, max_size=n).map(tuple)


numbers = st.floats(-1e9, 1e9, allow_nan=False)
weights = st.floats(0, 100, allow_nan=False)
method_settings = st.builds(
    Settings,
    minimum=st.sampled_from(list(MINIMUM_PRESETS)), target=st.sampled_from(list(TARGET_PRESETS)),
    minimum_overrides=_sorted_pairs(st.sampled_from(IDS), st.sampled_from(list(MINIMUM_PRESETS))),
    target_overrides=_sorted_pairs(st.sampled_from(IDS), st.sampled_from(list(TARGET_PRESETS))),
    custom_minimum=_sorted_pairs(st.sampled_from(IDS), numbers), custom_target=_sorted_pairs(st.sampled_from(IDS), numbers),
    normalisation=st.sampled_from(list(NORMALISATIONS)), aggregation=st.sampled_from(list(AGGREGATIONS)),
    evidence_based=st.booleans(), weight_preset=st.sampled_from(list(WEIGHT_PRESETS)),
    killer=_unique(st.sampled_from(IDS), 5), mission_weights=_sorted_pairs(st.integers(1, 12), weights, 5),
    indicator_weights=_sorted_pairs(st.sampled_from(IDS), weights), excluded=st.frozensets(st.sampled_from(IDS)),
)
names = st.text(st.sampled_from("abcXYZ019 -'%+"), min_size=1, max_size=40).map(lambda t: " ".join(t.split())).filter(bool)
changes = _unique(st.tuples(st.sampled_from(IDS), st.sampled_from(["72.5", "+5%", "-2", "target", "minimum", "=3"])), 3)
view_states = st.builds(
    ViewState,
    area=st.one_of(st.none(), st.sampled_from(CODES)), settings=method_settings,
    peers=st.builds(PeerSpec, kind=st.sampled_from(PEER_KINDS), k=st.integers(*PEER_K_RANGE), custom=_unique(st.sampled_from(CODES), 6),
                    variables=_unique(st.sampled_from(("population", "median_age", "house_price")), 3)),
    compare=_unique(st.sampled_from(CODES), 4), baseline=_sorted_pairs(st.sampled_from(IDS), st.sampled_from(LABELS)),
    scenarios=st.lists(st.tuples(names, changes), max_size=3, unique_by=lambda s: s[0]).map(tuple),
    presenter=st.booleans(), anonymised=st.booleans(),
)


# ---- URL query parameters ---------------------------------------------------------------------


def test_defaults_are_an_empty_query() -> None:
    assert encode_query(ViewState()) == {}
    assert decode_query({}).state == ViewState() and decode_query({}).notices == ()


@settings(max_examples=80, deadline=None)
@given(view_states)
def test_every_state_survives_the_url(state: ViewState) -> None:
    decoded = decode_query(encode_query(state))
    assert decoded.notices == ()
    assert decoded.state == state


def test_numbers_keep_every_digit() -> None:
    """Regression: values were written with six significant figures, so 648.4321 came back as 648.432."""
    s = Settings(custom_minimum=(("pay", 648.4321),), custom_target=(("pay", 1234567.0),), mission_weights=((1, 100 / 3),))
    query = encode_query(ViewState(settings=s))
    assert query["cmin"] == "pay:648.4321"
    assert decode_query(query).state.settings == s
    assert encode_query(ViewState(settings=Settings(mission_weights=((1, 25.0), (3, 0.5)))))["mw"] == "1:25,3:0.5"


def test_settings_from_the_url_drive_the_engine() -> None:
    s = decode_query({"tgt": "best", "norm": "percentile", "mw": "3:2"}).state.settings
    assert s == Settings(target="best", normalisation="percentile", mission_weights=((3, 2.0),))
    assert build_engine(example_panel(), s).benchmarks.target[0] == 900


@pytest.mark.parametrize(("params", "fragment"), [
    ({"min": "bogus"}, "min=bogus"),
    ({"mw": "1:200"}, "between 0 and 100"),
    ({"mw": "13:5"}, "mission 13"),
    ({"iw": "pay"}, "key:value"),
    ({"cmin": "pay:nan"}, "not a number"),
    ({"area": "Walsall"}, "not an area code"),
    ({"k": "99"}, "the number of peers must be between 5 and 20"),
    ({"cmp": ",".join(CODES[:5])}, "at most 4 areas"),
    ({"kill": ",".join(f"m{i}" for i in range(9))}, "at most 8"),
    ({"scen": "Plan~pay=lots"}, "is not a change"),
    ({"ev": "maybe"}, "not 0 or 1"),
])
def test_bad_values_are_dropped_with_a_notice(params: dict[str, str], fragment: str) -> None:
    decoded = decode_query({"tgt": "best", **params})
    assert len(decoded.notices) == 1 and fragment in decoded.notices[0]
    assert decoded.state.settings.target == "best"  # the rest of the link still applies


def test_unknown_keys_are_ignored_silently() -> None:
    assert decode_query({"utm_source": "email", "v": "1"}) == decode_query({})


def test_unknown_areas_and_metrics_are_reported() -> None:
    decoded = decode_query({"area": "E06000099", "cmp": "E06000001,E06000098", "iw": "nope:2"},
                           known_area=lambda c: c == "E06000001", known_metric=lambda i: i in IDS)
    assert decoded.state.area is None and decoded.state.compare == ("E06000001",)
    assert len(decoded.notices) == 3 and "nope" in decoded.notices[2]


def test_scenarios_codec() -> None:
    scenarios = (("Plan A", (("pay", "+5%"), ("ks2", "target"))), ("Plan B", (("travel_time", "=25"),)))
    assert decode_scenarios(encode_scenarios(scenarios)) == scenarios
    assert decode_scenarios("Bad<name>~pay=1") == (("Badname", (("pay", "1"),)),)
    assert decode_scenarios("Pay +10%~pay=1|Pay +10%~pay=2") == (("Pay +10%", (("pay", "1"),)),
                                                                ("Pay +10% (2)", (("pay", "2"),)))
    with pytest.raises(ValueError, match="at most 6"):
        decode_scenarios("|".join(f"S{i}~pay=1" for i in range(7)))


# ---- session files ----------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(view_states)
def test_every_state_survives_a_session_file(state: ViewState) -> None:
    local = [{"id": "local_metric", "values": [1.5, None]}]
    decoded, metrics = from_session_file(to_session_file(state, local))
    assert decoded.state == state and metrics == local


def test_session_file_is_readable_json() -> None:
    doc = json.loads(to_session_file(ViewState(area="E06000001")))
    assert (doc["schema"], doc["version"], doc["state"]) == ("levelling-up-place-explorer/session", 1,
                                                             {"area": "E06000001", "v": "1"})
    assert doc["saved_at"].endswith("Z") and doc["local_metrics"] == []


def _doc(**changes: object) -> bytes:
    doc = json.loads(to_session_file(ViewState()))
    doc.update(changes)
    return json.dumps(doc).encode()


@pytest.mark.parametrize(("data", "fragment"), [
    (b"{oops", "not valid JSON"),
    (b"\xff\xfe", "not valid JSON"),
    (b"[1, 2]", "not a Levelling Up Place Explorer session file"),
    (_doc(schema="other"), "not a Levelling Up Place Explorer session file"),
    (_doc(version=2), "version 2"),
    (_doc(version="1"), "version '1'"),
    (_doc(state=["min", "median"]), "state is damaged"),
    (_doc(state={"mw": 3}), "state is damaged"),
    (_doc(local_metrics={"a": 1}), "local metrics are damaged"),
    (b" " * (MAX_SESSION_BYTES + 1), "larger than 12 MB"),
])
def test_bad_session_files_raise_one_clear_error(data: bytes, fragment: str) -> None:
    with pytest.raises(SessionFileError, match=fragment):
        from_session_file(data)


def test_session_file_with_a_byte_order_mark() -> None:
    decoded, _ = from_session_file("\ufeff".encode() + _doc(state={"min": "median"}))
    assert decoded.state.settings.minimum == "median" and not decoded.notices


def test_session_file_with_a_value_it_cannot_read_is_refused() -> None:
    with pytest.raises(SessionFileError, match=r"settings are damaged \(“tgt=nonsense” in the session file"):
        from_session_file(_doc(state={"min": "median", "tgt": "nonsense"}))


def test_a_comparator_set_name_survives_the_link_and_is_cleaned() -> None:
    state = ViewState(area="E08000030", peers=PeerSpec(kind="custom", custom=("E08000031", "E08000027"),
                                                       name="Black Country"))
    assert decode_query(encode_query(state)).state == state
    decoded = decode_query({"peers": "custom", "setname": "  <b>Black</b>\n   Country " + "x" * 60})
    assert decoded.state.peers.name == "bBlack/b Country " + "x" * 23 and not decoded.notices


def test_local_control_ratings_travel_in_the_link_and_change_local_control_weights() -> None:
    from lupcore.session import ViewState, decode_query, encode_query
    from lupcore.settings import Settings

    state = ViewState(settings=Settings(weight_preset="local_control", control=(("gva_per_hour", "high"),)))
    query = encode_query(state)
    assert query["lc"] == "gva_per_hour:high"
    assert decode_query(query).state == state
    assert decode_query({"lc": "gva_per_hour:total"}).notices  # a bad level is dropped with a notice
