"""The live count and the reveal on the projector: pooled weights with their spread and agreement, votes,
local control and the room's RAG beside the data's. Polls the room's version every 2 s and re-reads only when
it changed.
"""

from __future__ import annotations

from datetime import datetime

import altair as alt
import pandas as pd
import streamlit as st

from lupcore.workshop import results as wr, service as ws
from lupcore.workshop.pooling import CONTROL_LEVELS, MISSIONS, POOLING_METHODS
from lupcore.workshop.reveal import results_payload
from lupcore.workshop.reveal_text import priorities_sentence
from lupui import cache, chart_text, present
from lupui.rooms import RAG_MARK, REFRESH, SHORT, STATE_LABEL, choices, plain, results, scorecard, who_label


@st.fragment(run_every=REFRESH)
def live_panel(code: str, presenter: bool) -> None:
    """Counts always; results of revealed activities. Reads the version; the results only when it moved."""
    try:
        version, res = results(code)
    except ws.UnknownRoomError:
        st.warning("This room no longer exists.")
        return
    cols = st.columns(len(ws.KINDS) + 1)
    cols[0].metric("People joined", res.participants)
    for col, kind in zip(cols[1:], ws.KINDS, strict=True):
        s, rnd = res.room.activities[kind]
        col.metric(SHORT[kind], res.counts[kind], help=f"Answers to {ws.KINDS[kind].lower()}, round {rnd}")
        col.caption(f"answers · {STATE_LABEL[s].lower()}{', round ' + str(rnd) if rnd > 1 else ''}")
    st.caption(f"Live: updated {datetime.now():%H:%M:%S} (room version {version}). Results appear only when "
               "an activity is revealed, so the last to answer are not swayed.")
    revealed = {k for k, (s, _) in res.room.activities.items() if s == "revealed"}
    if revealed:
        reveal(res, revealed, presenter)


def reveal(res: wr.Results, kinds: set[str], presenter: bool) -> None:
    """The presenter-friendly reveal of each revealed activity."""
    ds = cache.dataset()
    card = scorecard(res.room.area_code, ())
    doc = results_payload(res, card, choices())
    names = {n: m.short_name for n, m in ds.missions.items()}
    if "priorities" in kinds:
        _reveal_priorities(res, doc, names)
    if "killer" in kinds:
        st.subheader("Killer metrics: the room's votes")
        rows = [{"Metric": k["label"], "Votes": k["votes"], "Status in the data": RAG_MARK.get(k["status"], "–")}
                for k in doc["killer"]]
        present.table(pd.DataFrame(rows), hide_index=True, width="stretch") if rows else st.info("No votes yet.")
    if "control" in kinds:
        st.subheader("How much do local partners control each metric?")
        labels = choices()
        rows = [{"Metric": labels.get(m, m), **{ws.CONTROL_LABELS[lv]: c.get(lv, 0) for lv in CONTROL_LEVELS}}
                for m, c in sorted(res.control.items())]
        present.table(pd.DataFrame(rows), hide_index=True, width="stretch") if rows else st.info("No answers yet.")
    if "rag" in kinds:
        st.subheader("Missions: the room beside the data")
        rows = [{"Mission": f"{m}. {names[m]}", "Red": doc["rag"][str(m)]["red"], "Amber": doc["rag"][str(m)]["amber"],
                 "Green": doc["rag"][str(m)]["green"], "The room says": RAG_MARK[doc["rag"][str(m)]["room"]],
                 "The data says": RAG_MARK.get(doc["rag"][str(m)]["data"], "–")} for m in MISSIONS]
        present.table(pd.DataFrame(rows), hide_index=True, width="stretch", height=35 * 13 + 3)
        reasons = [{"Mission": f"{m}. {names[m]}", "Reason": why} for m, whys in sorted(res.rag_reasons.items())
                   for why in whys]
        if reasons and not presenter:
            with st.expander(f"Reasons given ({len(reasons)})"):
                present.table(pd.DataFrame(reasons), hide_index=True, width="stretch")  # cells: plain text
    if "ideas" in kinds:
        st.subheader("Proposed local metrics")
        approved = [{"From": who_label(res, who), "Idea": text} for who, text, ok in res.ideas if ok]
        if approved:
            present.table(pd.DataFrame(approved), hide_index=True, width="stretch")
        else:
            st.info("No ideas approved yet.")


def _reveal_priorities(res: wr.Results, doc: dict, names: dict[int, str]) -> None:
    p = doc["priorities"]
    st.subheader(f"Mission priorities: {p['responses']} people")
    if not p["responses"]:
        st.info("No answers yet.")
        return
    w, pv = p["kendall_w"], p["kendall_p"]
    c1, c2 = st.columns(2)
    c1.metric("Agreement (Kendall's W)", "–" if w is None else f"{w:.2f}",
              help="0 = no agreement on the order of the missions, 1 = everyone ranks them the same.")
    c2.metric("p-value", "–" if pv is None else ("< 0.001" if pv < 0.001 else f"{pv:.3f}"),
              help="Chi-squared test of W: a small p means the agreement is unlikely to be chance.")
    contested = ", ".join(f"{m}. {names[m]}" for m in p["contested"][:3]) or "none"
    st.markdown(f"**Most contested** (widest spread of points): {plain(contested)}")
    short = {"mean": "Mean", "median": "Median", "trimmed_mean": "Trimmed mean"}
    table = pd.DataFrame({"Mission": [f"{m}. {names[m]}" for m in MISSIONS],
                          **{short[meth]: [p[meth][str(m)] for m in MISSIONS] for meth in POOLING_METHODS},
                          "Spread (IQR)": [p["iqr"][str(m)] for m in MISSIONS]})
    config = {short[meth]: st.column_config.NumberColumn(format="%.1f", help=POOLING_METHODS[meth]) for meth in short}
    config["Spread (IQR)"] = st.column_config.NumberColumn(format="%.1f", help="Interquartile range of the points")
    present.table(table, hide_index=True, width="stretch", height=35 * 13 + 3, column_config=config)
    dots = pd.DataFrame([(f"{m}. {names[m]}", float(v)) for row in res.points for m, v in zip(MISSIONS, row, strict=True)],
                        columns=["Mission", "Points"])
    order = [f"{m}. {names[m]}" for m in MISSIONS]
    means = pd.DataFrame({"Mission": order, "Mean": [p["mean"][str(m)] for m in MISSIONS]})
    chart = (alt.Chart(dots).mark_circle(size=70, opacity=0.55, color="#0072B2")
             .encode(x=alt.X("Points:Q", scale=alt.Scale(domain=[0, 100]), title="Points"), y=alt.Y("Mission:N", sort=order, title=None),
                     yOffset=alt.YOffset("jitter:Q", scale=alt.Scale(domain=[-1, 1])))
             .transform_calculate(jitter="sqrt(-2*log(random()))*cos(2*PI*random())/3"))
    ticks = alt.Chart(means).mark_tick(color="#D55E00", thickness=3, size=22).encode(x=alt.X("Mean:Q", title="Points"), y=alt.Y("Mission:N", sort=order))
    present.chart((chart + ticks).properties(height=36 * 12), width="stretch",
                  alt=f"Dot chart of the points {p['responses']} people gave each of the 12 missions, with the "
                      "room's mean as a tick. Described below; the table above gives the numbers.")
    st.caption("Each dot is one person's points; the orange tick is the room's mean.")
    chart_text.describe(priorities_sentence(p, names))
    conv = p["convergence"]
    if conv:
        st.markdown("**Round 2: did the room converge?**")
        k1, k2 = st.columns(2)
        fmt = lambda v: "–" if v is None else f"{v:.2f}"  # noqa: E731
        k1.metric("Kendall's W", fmt(conv["w_after"]), delta=None if None in (conv["w_after"], conv["w_before"])
                  else f"{conv['w_after'] - conv['w_before']:+.2f} since round 1")
        k2.metric("Mean IQR (points)", fmt(conv["mean_iqr_after"]), delta_color="inverse",
                  delta=None if None in (conv["mean_iqr_after"], conv["mean_iqr_before"])
                  else f"{conv['mean_iqr_after'] - conv['mean_iqr_before']:+.1f} since round 1")
