"""The shareable view state and its two encodings: URL query parameters and the JSON session file.

Both encodings are small, human-readable and validated on read against allow-lists: unknown
keys are ignored, bad values fall back to the default with a plain-English notice, and nothing
is ever unpickled or evaluated. The same ``ViewState`` drives the app, the CLI (``--session``)
and the exports.

Modules: ``_types`` (``ViewState``, ``PeerSpec``, ``Decoded`` and the limits), ``_url`` (the URL
codec), ``_scenarios`` (the scenario codec and user-named labels), ``_file`` (the session file).
"""

from lupcore.session._file import MAX_SESSION_BYTES, SessionFileError, from_session_file, to_session_file
from lupcore.session._scenarios import (
    SCENARIO_SEPARATORS,
    clean_scenario_name,
    clean_set_name,
    decode_scenarios,
    encode_scenarios,
)
from lupcore.session._types import (
    MAX_COMPARE,
    MAX_CUSTOM_PEERS,
    PEER_K_RANGE,
    PEER_KINDS,
    SESSION_SCHEMA,
    SESSION_VERSION,
    URL_VERSION,
    Decoded,
    PeerSpec,
    ViewState,
)
from lupcore.session._url import decode_query, encode_query

__all__ = [
    "MAX_COMPARE", "MAX_CUSTOM_PEERS", "MAX_SESSION_BYTES", "PEER_KINDS", "PEER_K_RANGE", "SCENARIO_SEPARATORS",
    "SESSION_SCHEMA", "SESSION_VERSION", "URL_VERSION", "Decoded", "PeerSpec", "SessionFileError", "ViewState",
    "clean_scenario_name", "clean_set_name", "decode_query", "decode_scenarios", "encode_query",
    "encode_scenarios", "from_session_file", "to_session_file",
]
