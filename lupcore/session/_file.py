"""The JSON session file: schema id, version, timestamp, the URL form of the state, local metrics."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from lupcore.session._canonical import Known
from lupcore.session._types import SESSION_SCHEMA, SESSION_VERSION, Decoded, ViewState
from lupcore.session._url import decode_query, encode_query

# ----- session file ------------------------------------------------------------------------

def to_session_file(state: ViewState, local_metrics: list[dict] | None = None) -> bytes:
    """The JSON session file: schema id, version, timestamp, the URL form of the state, local metrics."""
    doc = {
        "schema": SESSION_SCHEMA,
        "version": SESSION_VERSION,
        "saved_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "state": encode_query(state),
        "local_metrics": local_metrics or [],
    }
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


class SessionFileError(ValueError):
    """A session file that cannot be restored; the message says why in one sentence."""


MAX_SESSION_BYTES = 12 * 1024 * 1024


def from_session_file(data: bytes, known_area: Known = None, known_metric: Known = None,
                      known_variable: Known = None) -> tuple[Decoded, list[dict]]:
    """Parse and validate a session file; raises ``SessionFileError`` and changes nothing on failure.

    The state is decoded as a link is (``decode_query``), so it comes back canonical. A local metric
    listed twice (the same id) is kept once: the last one in the file wins, with a notice.
    """
    if len(data) > MAX_SESSION_BYTES:
        raise SessionFileError("This session file is larger than 12 MB, so it was not loaded.")
    doc = _parse_json(data)
    if not isinstance(doc, dict) or doc.get("schema") != SESSION_SCHEMA:
        raise SessionFileError("This JSON file is not a Levelling Up Place Explorer session file.")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= SESSION_VERSION:
        readable = f"versions 1 to {SESSION_VERSION}" if SESSION_VERSION > 1 else "version 1"
        raise SessionFileError(f"This session file is version {repr(version)[:20]}; this app reads {readable}.")
    state = doc.get("state")
    if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in state.items()):
        raise SessionFileError("The session file's state is damaged (expected text settings).")
    metrics = doc.get("local_metrics", [])
    if not isinstance(metrics, list) or not all(isinstance(m, dict) for m in metrics):
        raise SessionFileError("The session file's local metrics are damaged.")
    metrics, notices = _one_per_id(metrics)
    if known_metric is not None:  # a local metric is known only if this file carries it
        declared = {_metric_id(m) for m in metrics} - {None}
        data_metric = known_metric

        def known_metric(i: str) -> bool:
            return i in declared if i.startswith("local_") else data_metric(i)
    decoded = decode_query(state, known_area, known_metric, source="the session file", known_variable=known_variable)
    if decoded.malformed:  # a damaged value: restored whole or not at all, never half a session over the user's view
        raise SessionFileError(f"The session file's settings are damaged ({decoded.malformed[0].rstrip('.')}).")
    return replace(decoded, notices=decoded.notices + tuple(notices)), metrics


def _parse_json(data: bytes) -> object:
    """The file's JSON; anything the parser refuses (bad text, deep nesting, a 5,000-digit number) is refused here."""
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SessionFileError("This is not a session file (not valid JSON: it is not UTF-8 text).") from exc
    except json.JSONDecodeError as exc:
        raise SessionFileError(f"This is not a session file (not valid JSON: {exc.msg}).") from exc
    except RecursionError as exc:
        raise SessionFileError("This is not a session file (its JSON is nested too deeply).") from exc
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise SessionFileError("This is not a session file (it holds a number too large to read).") from exc


def _metric_id(entry: dict) -> str | None:
    meta = entry.get("meta")
    ident = meta.get("id") if isinstance(meta, dict) else None
    return ident if isinstance(ident, str) else None


def _one_per_id(metrics: list[dict]) -> tuple[list[dict], list[str]]:
    """Local metrics with one entry per id: the last one in the file wins (the rule links use for repeats)."""
    last = {ident: i for i, m in enumerate(metrics) if (ident := _metric_id(m)) is not None}
    kept = [m for i, m in enumerate(metrics) if _metric_id(m) is None or last[_metric_id(m)] == i]
    if len(kept) == len(metrics):
        return metrics, []
    repeated = sorted({_metric_id(m) for i, m in enumerate(metrics) if _metric_id(m) is not None
                       and last[_metric_id(m)] != i})  # type: ignore[type-var]
    return kept, [f"The session file lists the local metric {', '.join(repeated)[:80]} more than once; "
                  "the last one in the file was kept."]
