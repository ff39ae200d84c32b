"""A protocol-level Streamlit client: one websocket is one real server session, with no browser.

Browsers cannot be the load generator on 2 cores, so the benchmarks speak
Streamlit's own protobuf messages over ``/_stcore/stream``. It
measures server time plus wire time only: nothing is rendered, and cached-message hashes are never
reported, so every rerun receives full messages (an upper bound on bytes).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import websockets
from streamlit.elements.lib.utils import GENERATED_ELEMENT_ID_PREFIX, user_key_from_element_id
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetStates

FINISHED = ("FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY")


class ScriptError(RuntimeError):
    """The script raised, or ended other than successfully: a benchmark of a broken page is meaningless."""


@dataclass
class RunResult:
    seconds: float
    status: str
    bytes_in: int
    headings: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)  # st.success/info/warning/error bodies, in order


class StSession:
    """One Streamlit ``AppSession`` driven over its websocket."""

    def __init__(self, port: int, host: str = "127.0.0.1", query_string: str = "", page_name: str = "",
                 cookie: str = "") -> None:
        self.url = f"ws://{host}:{port}/_stcore/stream"
        self.cookie = cookie  # sent with the handshake as a browser would, e.g. HAProxy's "SERVERID=r1"
        self.query_string = query_string  # as the browser would send it, without the leading "?"
        self.page_name = page_name  # "" for the main page, e.g. "Scorecard" for pages/1_Scorecard.py
        self.page_hash = ""
        self.widget_ids: dict[str, str] = {}  # user key (e.g. "w_map_kind") -> element id, for widget_states
        self.widget_fragments: dict[str, str] = {}  # user key -> id of the st.fragment drawing it, if any
        self.button_ids: dict[str, str] = {}  # label -> element id of a button (form submit buttons have no key)
        self.auto_reruns: dict[str, float] = {}  # fragment id -> seconds, for each st.fragment(run_every=...)
        self.ws: websockets.ClientConnection | None = None

    async def connect(self) -> StSession:
        self.ws = await websockets.connect(self.url, subprotocols=[websockets.Subprotocol("streamlit")],
                                           max_size=None, open_timeout=60, ping_interval=None,
                                           additional_headers={"Cookie": self.cookie} if self.cookie else None)
        return self

    def set_cookies(self) -> list[str]:
        """The handshake response's ``Set-Cookie`` values (a load balancer's stickiness cookie, say)."""
        assert self.ws is not None and self.ws.response is not None, "connect() first"
        return self.ws.response.headers.get_all("Set-Cookie")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def first_run(self, timeout: float = 120) -> RunResult:
        return await self._run(ClientState(query_string=self.query_string, page_name=self.page_name), timeout)

    async def rerun(self, widget_states: WidgetStates | None = None, timeout: float = 120,
                    fragment_id: str = "") -> RunResult:
        """Rerun the current page with the URL the server last wrote (``st.query_params`` mirrors it).

        With ``fragment_id``, only that ``st.fragment`` reruns, as when a browser changes a widget inside it.
        """
        state = ClientState(page_script_hash=self.page_hash, query_string=self.query_string, fragment_id=fragment_id)
        if widget_states is not None:
            state.widget_states.CopyFrom(widget_states)
        return await self._run(state, timeout)

    async def navigate(self, page_name: str, timeout: float = 120) -> RunResult:
        """Open another page of the app in this session, as a click on a page link does."""
        self.page_name, self.page_hash = page_name, ""
        return await self._run(ClientState(query_string=self.query_string, page_name=page_name), timeout)

    def _note_widget(self, proto: object, fragment_id: str) -> None:
        """Remember a keyed widget's element id (a widget state must name it) and the fragment drawing it."""
        element_id = getattr(proto, "id", "")
        if not (isinstance(element_id, str) and element_id.startswith(GENERATED_ELEMENT_ID_PREFIX)):
            return
        if type(proto).__name__ == "Button":
            self.button_ids[proto.label] = element_id
        key = user_key_from_element_id(element_id)
        if key:
            self.widget_ids[key] = element_id
            if fragment_id:
                self.widget_fragments[key] = fragment_id

    async def _run(self, state: ClientState, timeout: float) -> RunResult:
        assert self.ws is not None, "connect() first"
        msg = BackMsg()
        msg.rerun_script.CopyFrom(state)
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        result = RunResult(0.0, "", 0)
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), timeout)
            result.bytes_in += len(raw)
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = fm.new_session.page_script_hash or self.page_hash
            elif kind == "navigation":  # with pages/, the page that ran: new_session names the main script
                self.page_hash = fm.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query_string = fm.page_info_changed.query_string
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                element = fm.delta.new_element
                etype = element.WhichOneof("type")
                if etype:
                    self._note_widget(getattr(element, etype), fm.delta.fragment_id)
                if etype == "exception":
                    result.exceptions.append(f"{element.exception.type}: {element.exception.message}")
                elif etype == "heading":
                    result.headings.append(element.heading.body)
                elif etype == "alert":
                    result.alerts.append(element.alert.body)
            elif kind == "auto_rerun":
                self.auto_reruns[fm.auto_rerun.fragment_id] = fm.auto_rerun.interval
            elif kind == "script_finished":
                result.status = ForwardMsg.ScriptFinishedStatus.Name(fm.script_finished)
                if result.status == "FINISHED_EARLY_FOR_RERUN" and not result.exceptions:
                    continue  # st.rerun(): the run the user waits for comes next on the same socket
                result.seconds = time.perf_counter() - start
                if result.status not in FINISHED or result.exceptions:
                    raise ScriptError(f"{result.status}: {result.exceptions or 'no exception element'}")
                return result
