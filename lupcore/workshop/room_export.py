"""Take the room away: XLSX and CSV of a room's answers and pooled results, with a method sheet.

Raw answers are pseudonymised (P01, P02… in joining order; names never exported, roles kept),
and every text cell that a spreadsheet would run as a formula is neutralised (``lupcore.sanitise``).
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from lupcore.sanitise import neutralise_frame
from lupcore.workshop.pooling import MISSIONS, POOLING_METHODS
from lupcore.workshop.results import Results
from lupcore.workshop.service import KINDS, ROLES

METHOD_ROWS: tuple[tuple[str, str], ...] = (
    ("Mission priorities", "Each person splits 100 points across the 12 missions. One answer per person per round; "
                           "the last one counts."),
    ("Mean", "Mean points per mission over the people who answered (OECD/JRC Handbook on Constructing Composite "
             "Indicators, 2008, §6.5, budget allocation). Sums to 100."),
    ("Median", "Median points per mission, then rescaled so the twelve sum to 100. Robust to one extreme budget."),
    ("10% trimmed mean", "Mean per mission after dropping the lowest and highest 10% of answers (rounded down), "
                         "rescaled to sum to 100 (scipy.stats.trim_mean)."),
    ("IQR", "Interquartile range of each mission's points (75th minus 25th percentile, linear interpolation): "
            "the spread of the room's views. The most contested missions have the widest IQR."),
    ("Kendall's W", "Agreement on the order of the missions: each person's points ranked (most points = 1, tied "
                    "points share the average rank), W = 12S / (n²(m³ − m) − nΣT) with the tie correction T = Σ(t³ − t). "
                    "0 = no agreement, 1 = everyone ranks the missions the same. p from χ² = n(m − 1)W, m − 1 df."),
    ("Round 2", "After a reopen each person sees the room's median beside their own answer and may change it; "
                "convergence compares W and the mean IQR, round 1 against round 2."),
    ("Killer metrics", "Up to three metrics per person; votes counted once per person."),
    ("Local control", "Per metric, how many people said high, medium, low or don't know."),
    ("Mission RAG", "Per mission, how many people said red, amber or green; the room's view is the colour most chose "
                    "(\"split\" for a tie). The data's status is the scorecard's mission RAG under the default methods."),
    ("Ideas", "Proposed local metrics, shown only once the facilitator approved them. Text as typed; never run as "
              "a formula."),
    ("Pseudonyms", "P01, P02… in the order people joined. Names are not exported."),
)


def answers_frame(res: Results) -> pd.DataFrame:
    """One row per answer item (long form): participant, role, activity, round, item, value, reason."""
    rows: list[dict[str, Any]] = []
    for r in res.rows:
        base = {"Participant": f"P{r.participant:02d}", "Role": ROLES.get(r.role or "", ""),
                "Activity": KINDS[r.kind], "Round": r.round, "Answered at (UTC)": r.updated_at.strftime("%Y-%m-%d %H:%M:%S")}
        if r.kind == "priorities":
            items = [(f"Mission {m}", pts, "") for m, pts in r.payload["points"].items()]
        elif r.kind == "killer":
            items = [(i, "picked", "") for i in r.payload["metrics"]]
        elif r.kind == "control":
            items = list((i, level, "") for i, level in r.payload["levels"].items())
        elif r.kind == "rag":
            why = r.payload.get("reasons", {})
            items = [(f"Mission {m}", c, why.get(m, "")) for m, c in r.payload["ratings"].items()]
        else:
            items = [("Idea", r.payload["text"], "approved" if r.approved else "not approved")]
        rows += [{**base, "Item": item, "Value": value, "Reason or note": note} for item, value, note in items]
    cols = ["Participant", "Role", "Activity", "Round", "Item", "Value", "Reason or note", "Answered at (UTC)"]
    return neutralise_frame(pd.DataFrame(rows, columns=cols))


def pooled_frame(res: Results, doc: dict[str, Any], mission_names: dict[int, str]) -> pd.DataFrame:
    """One row per mission: pooled weights by each method, IQR, RAG counts, the room's and the data's RAG."""
    p = doc["priorities"]
    rows = []
    for m in MISSIONS:
        k = str(m)
        rag = doc["rag"][k]
        rows.append({"Mission": m, "Name": mission_names.get(m, ""),
                     **{POOLING_METHODS[meth]: p[meth][k] for meth in POOLING_METHODS},
                     "IQR (points)": p["iqr"][k], "Red": rag["red"], "Amber": rag["amber"], "Green": rag["green"],
                     "Room says": rag["room"] or "no answers", "Data says": rag["data"]})
    return pd.DataFrame(rows)


def summary_frame(doc: dict[str, Any]) -> pd.DataFrame:
    p, room = doc["priorities"], doc["room"]
    conv = p["convergence"] or {}
    items = [("Room", room["title"]), ("Area", room["area"]), ("Participants", room["participants"]),
             ("Priorities answers", p["responses"]), ("Kendall's W", p["kendall_w"]), ("Kendall's p", p["kendall_p"]),
             ("Most contested missions", ", ".join(map(str, p["contested"])) or "none"),
             ("W, round before", conv.get("w_before")), ("W, this round", conv.get("w_after")),
             ("Mean IQR, round before", conv.get("mean_iqr_before")), ("Mean IQR, this round", conv.get("mean_iqr_after"))]
    items += [(f"Killer metric: {k['label']}", f"{k['votes']} votes; data {k['status']}") for k in doc["killer"]]
    items += [(f"Approved idea ({i['participant']})", i["text"]) for i in doc["ideas"]]
    return neutralise_frame(pd.DataFrame(items, columns=["What", "Value"]))


def room_xlsx(res: Results, doc: dict[str, Any], mission_names: dict[int, str]) -> bytes:
    """The workbook: Summary, Pooled by mission, Answers (pseudonymised), Method."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        summary_frame(doc).to_excel(xl, sheet_name="Summary", index=False)
        pooled_frame(res, doc, mission_names).to_excel(xl, sheet_name="Pooled by mission", index=False)
        answers_frame(res).to_excel(xl, sheet_name="Answers (pseudonymised)", index=False)
        pd.DataFrame(METHOD_ROWS, columns=["Figure", "How it is computed"]).to_excel(xl, sheet_name="Method", index=False)
        for ws in xl.book.worksheets:
            for col in ws.columns:
                ws.column_dimensions[col[0].column_letter].width = min(60, max(10, *(len(str(c.value or "")) for c in col)))
    return buf.getvalue()


def room_csv(res: Results) -> bytes:
    """The pseudonymised answers as CSV (UTF-8 with a byte-order mark, so Excel reads it)."""
    return answers_frame(res).to_csv(index=False).encode("utf-8-sig")
