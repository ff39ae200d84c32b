"""Property-based fuzzing in every run (fixed seed, bounded budget): the link decoder, the session-file reader and
the upload validator, fed hostile input (``hostile.py``), keep their promises (``checks.py``).

``make fuzz`` runs the same strategies with thousands of cases and counts what escapes (``python -m tests.fuzz``).
"""

from __future__ import annotations

import json

from hypothesis import given, strategies as st

from lupcore.data import Dataset
from lupcore.restore import restore_session
from lupcore.session import SessionFileError, decode_query, encode_query
from tests.fuzz import hostile
from tests.fuzz.checks import check_link, check_session, check_upload


@hostile.budget(150)
@given(hostile.links())
def test_hostile_links_decode_to_a_canonical_state_that_survives_the_round_trip(dataset: Dataset,
                                                                                params: dict[str, str]) -> None:
    check_link(params, dataset)


@hostile.budget(80)
@given(hostile.session_files())
def test_hostile_session_files_are_restored_canonical_or_refused_with_the_session_error(dataset: Dataset,
                                                                                       data: bytes) -> None:
    check_session(data, dataset)


@hostile.budget(30)
@given(hostile.links())
def test_a_refused_session_file_leaves_nothing_behind(dataset: Dataset, params: dict[str, str]) -> None:
    """Restoring is all or nothing: the same file read twice gives the same answer, whatever came before."""
    good = json.dumps({"schema": hostile.SCHEMA, "version": 1, "state": {"area": "E08000030"}}).encode()
    bad = json.dumps({"schema": hostile.SCHEMA, "version": 1, "state": {**params, "k": "x"}}).encode()
    before = restore_session(good, dataset)
    try:
        restore_session(bad, dataset)
    except SessionFileError:
        pass
    after = restore_session(good, dataset)
    assert after.state == before.state and after.notices == before.notices


@hostile.budget(100)
@given(hostile.uploads())
def test_hostile_uploads_give_a_report_never_an_exception_nor_an_unusable_value(
        dataset: Dataset, upload: tuple[str, bytes]) -> None:
    known = {r.code: r.name for r in dataset.pickable().itertuples(index=False)}
    check_upload(upload[0], upload[1], known)


@hostile.budget(100)
@given(st.dictionaries(st.sampled_from(hostile.KEYS), st.text(max_size=40), max_size=6))
def test_any_text_in_any_key_decodes_then_encodes_to_a_fixed_point(params: dict[str, str]) -> None:
    state = decode_query(params).state
    link = encode_query(state)
    assert decode_query(link).state == state and encode_query(decode_query(link).state) == link
