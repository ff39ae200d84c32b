"""The JSON session file: schema id, version, timestamp, the URL form of the state, local metrics."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

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


def from_session_file(data: bytes, known_area: Callable[[str], bool] | None = None,
                      known_metric: Callable[[str], bool] | None = None) -> tuple[Decoded, list[dict]]:
    """Parse and validate a session file; raises ``SessionFileError`` and changes nothing on failure."""
    if len(data) > MAX_SESSION_BYTES:
        raise SessionFileError("This session file is larger than 12 MB, so it was not loaded.")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SessionFileError(f"This is not a session file (not valid JSON: {exc.msg if hasattr(exc, 'msg') else exc}).") from exc
    if not isinstance(doc, dict) or doc.get("schema") != SESSION_SCHEMA:
        raise SessionFileError("This JSON file is not a Levelling Up Place Explorer session file.")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= SESSION_VERSION:
        readable = f"versions 1 to {SESSION_VERSION}" if SESSION_VERSION > 1 else "version 1"
        raise SessionFileError(f"This session file is version {version!r}; this app reads {readable}.")
    state = doc.get("state")
    if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in state.items()):
        raise SessionFileError("The session file's state is damaged (expected text settings).")
    metrics = doc.get("local_metrics", [])
    if not isinstance(metrics, list) or not all(isinstance(m, dict) for m in metrics):
        raise SessionFileError("The session file's local metrics are damaged.")
    if known_metric is not None:  # a local metric is known only if this file carries it
        declared = {m["meta"].get("id") for m in metrics if isinstance(m.get("meta"), dict)}
        data_metric = known_metric

        def known_metric(i: str) -> bool:
            return i in declared if i.startswith("local_") else data_metric(i)
    decoded = decode_query(state, known_area, known_metric, source="the session file")
    if decoded.malformed:  # a damaged value: restored whole or not at all, never half a session over the user's view
        raise SessionFileError(f"The session file's settings are damaged ({decoded.malformed[0].rstrip('.')}).")
    return decoded, metrics
