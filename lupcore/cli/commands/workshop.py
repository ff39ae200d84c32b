"""``python -m lupcore workshop open|join|answer|round|results|delete``: live workshop rooms from a terminal.

The same core and database as the app's Workshop page (``LUPE_DATABASE_URL``, else the embedded
SQLite file). A refused request (unknown code, wrong or participant token on a facilitator
command, an activity that is not open, a bad answer) prints one line to stderr and exits 2.
"""

from __future__ import annotations

import argparse
import os
import sys

from lupcore.cli.commands._common import emit, resolve_or_report
from lupcore.data import Dataset
from lupcore.workshop import participation as wp, results as wr, service as ws
from lupcore.workshop.reveal import metric_choices, results_payload, scorecard_for, vocabulary
from lupcore.workshop.store import open_store

PUBLIC_URL_ENV = "LUPE_PUBLIC_URL"


def join_url(code: str) -> str:
    """The participants' link: the app's address (``LUPE_PUBLIC_URL``, default localhost) + ``/?join=CODE``."""
    base = os.environ.get(PUBLIC_URL_ENV, "http://localhost:8501").rstrip("/")
    return f"{base}/?join={code}"


def admin_url(code: str, admin_token: str, area_code: str) -> str:
    """The secret facilitator link (never the join link or the QR code)."""
    base = os.environ.get(PUBLIC_URL_ENV, "http://localhost:8501").rstrip("/")
    return f"{base}/Workshop?area={area_code}&room={code}&admin={admin_token}"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("workshop", help="live workshop rooms: open, join, answer, run rounds, results")
    parser.add_argument("--database", default=None, metavar="URL",
                        help="SQLAlchemy URL (default: $LUPE_DATABASE_URL, else var/workshop.sqlite3)")
    wsub = parser.add_subparsers(dest="workshop_command", required=True, metavar="ACTION")

    p = wsub.add_parser("open", help="open a room for an area; prints the join code and the facilitator token")
    p.add_argument("--area", required=True, help="GSS code or exact name")
    p.add_argument("--title", required=True, help='e.g. "Walsall Place Board, 12 Jan"')
    p.add_argument("--named", action="store_true", help="participants may give their names (fixed once open)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_open)

    p = wsub.add_parser("join", help="join a room; prints the participant token")
    p.add_argument("code")
    p.add_argument("--name", default=None)
    p.add_argument("--role", default=None, choices=tuple(ws.ROLES))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_join)

    p = wsub.add_parser("answer", help="answer one or more open activities (all stored or none)")
    p.add_argument("code")
    p.add_argument("--participant", required=True, metavar="TOKEN")
    p.add_argument("--priorities", metavar="M=P,…", help="points per mission adding up to 100, e.g. 1=30,5=20,…")
    p.add_argument("--killer", metavar="ID,ID,ID", help="up to three metric ids")
    p.add_argument("--control", metavar="ID=LEVEL,…", help="high, medium, low or dont_know per metric")
    p.add_argument("--rag", metavar="M=COLOUR,…", help="red, amber or green per mission")
    p.add_argument("--idea", metavar="TEXT", help="a proposed local metric")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_answer)

    p = wsub.add_parser("round", help="open, close or reveal an activity (facilitator)")
    p.add_argument("code")
    p.add_argument("--admin", required=True, metavar="TOKEN")
    p.add_argument("--activity", required=True, choices=tuple(ws.KINDS))
    p.add_argument("--state", required=True, choices=tuple(ws.STATES))
    p.add_argument("--new-round", action="store_true", help="start another round (Delphi); implies --state open")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_round)

    p = wsub.add_parser("results", help="pooled results (facilitator)")
    p.add_argument("code")
    p.add_argument("--admin", required=True, metavar="TOKEN")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_results)

    p = wsub.add_parser("delete", help="delete the room with all its answers (facilitator)")
    p.add_argument("code")
    p.add_argument("--admin", required=True, metavar="TOKEN")
    p.set_defaults(func=_delete)


def _fail(exc: Exception) -> int:
    print(str(exc).splitlines()[0], file=sys.stderr)
    return 2


def _pairs(text: str | None, what: str) -> dict[str, str]:
    out = {}
    for item in filter(None, (text or "").split(",")):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ws.InvalidAnswerError(f"{item!r} in --{what} is not in key=value form.")
        out[key.strip()] = value.strip()
    return out


def _payloads(args: argparse.Namespace) -> dict[str, dict]:
    given: dict[str, dict] = {}
    if args.priorities is not None:
        points = {}
        for k, v in _pairs(args.priorities, "priorities").items():
            try:
                points[k] = int(v)
            except ValueError:
                raise ws.InvalidAnswerError(f"{v!r} in --priorities is not a whole number of points.") from None
        given["priorities"] = {"points": points}
    if args.killer is not None:
        given["killer"] = {"metrics": [i.strip() for i in args.killer.split(",") if i.strip()]}
    if args.control is not None:
        given["control"] = {"levels": _pairs(args.control, "control")}
    if args.rag is not None:
        given["rag"] = {"ratings": _pairs(args.rag, "rag")}
    if args.idea is not None:
        given["ideas"] = {"text": args.idea}
    if not given:
        raise ws.InvalidAnswerError("Give at least one of --priorities, --killer, --control, --rag or --idea.")
    return given


def _open(args: argparse.Namespace, dataset: Dataset) -> int:
    code = resolve_or_report(dataset, args.area)
    if code is None:
        return 2
    try:
        room = ws.open_room(open_store(args.database), area_code=code, title=args.title, named=args.named)
    except ws.WorkshopError as exc:
        return _fail(exc)
    doc = {"code": room.code, "admin_token": room.admin_token, "join_url": join_url(room.code),
           "admin_url": admin_url(room.code, room.admin_token, code), "area": code, "named": args.named}
    emit(doc, args.json, f"Join code {room.code}: {doc['join_url']}\nFacilitator token (keep it secret): "
                         f"{room.admin_token}\nFacilitator link: {doc['admin_url']}")
    return 0


def _join(args: argparse.Namespace, dataset: Dataset) -> int:
    try:
        token, me = wp.join(open_store(args.database), args.code, name=args.name, role=args.role,
                            client_key=f"cli-{os.getpid()}")
    except ws.WorkshopError as exc:
        return _fail(exc)
    emit({"participant": token, "pseudonym": me.pseudonym}, args.json,
         f"Joined as {me.pseudonym}. Your participant token: {token}")
    return 0


def _answer(args: argparse.Namespace, dataset: Dataset) -> int:
    try:
        given = _payloads(args)
        version = wp.answer_many(open_store(args.database), args.code, args.participant, given, vocabulary(dataset))
    except ws.WorkshopError as exc:
        return _fail(exc)
    emit({"stored": sorted(given), "version": version}, args.json, f"Stored: {', '.join(sorted(given))}.")
    return 0


def _round(args: argparse.Namespace, dataset: Dataset) -> int:
    store = open_store(args.database)
    try:
        if args.new_round:
            room = ws.next_round(store, args.code, args.admin, args.activity)
        else:
            room = ws.set_state(store, args.code, args.admin, args.activity, args.state)
    except ws.WorkshopError as exc:
        return _fail(exc)
    state, rnd = room.activities[args.activity]
    emit({"activity": args.activity, "state": state, "round": rnd}, args.json,
         f"{ws.KINDS[args.activity]}: {ws.STATES[state].lower()} (round {rnd}).")
    return 0


def _results(args: argparse.Namespace, dataset: Dataset) -> int:
    store = open_store(args.database)
    try:
        room = ws.check_admin(store, args.code, args.admin)
        res = wr.results(store, args.code)
    except ws.WorkshopError as exc:
        return _fail(exc)
    doc = results_payload(res, scorecard_for(dataset, room.area_code), metric_choices(dataset))
    emit(doc, args.json, _text(doc))
    return 0


def _text(doc: dict) -> str:
    p = doc["priorities"]
    lines = [f"{doc['room']['title']} ({doc['room']['code']}): {doc['room']['participants']} participants",
             f"Priorities from {p['responses']} people; Kendall's W {p['kendall_w']} (p = {p['kendall_p']})",
             f"{'Mission':<8} {'Mean':>6} {'Median':>7} {'Trimmed':>8} {'IQR':>6}"]
    fmt = lambda v: "–" if v is None else f"{v:.1f}"  # noqa: E731
    for m in map(str, range(1, 13)):
        lines.append(f"{m:<8} {fmt(p['mean'][m]):>6} {fmt(p['median'][m]):>7} {fmt(p['trimmed_mean'][m]):>8} "
                     f"{fmt(p['iqr'][m]):>6}")
    lines += ["", "Killer metrics:"] + [f"  {k['label']}: {k['votes']} votes (data: {k['status']})" for k in doc["killer"]]
    return "\n".join(lines)


def _delete(args: argparse.Namespace, dataset: Dataset) -> int:
    try:
        ws.delete_room(open_store(args.database), args.code, args.admin)
    except ws.WorkshopError as exc:
        return _fail(exc)
    print(f"Room {args.code} deleted with all its answers.")
    return 0
