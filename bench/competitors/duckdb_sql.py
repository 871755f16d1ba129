"""Hand-written DuckDB SQL for the 20 goals, as one statement or one per goal.

`build_sql(goal_ids)` writes one statement that scans each stream once,
computes every indicator the goals need by (actor, local day) with `FILTER`
clauses, spreads them over a dense actor x day grid, combines days into
windows with window functions, and returns findings in the common form.
Count-distinct over a multi-day window uses the "last occurrence" trick: an
occurrence of a value on day d counts for the instants d+1 .. min(d+W, next
occurrence), so each instant's count is a running sum of +1/-1 steps.

Everything spliced into the SQL here is a constant of this file or of
`bench.common` (the hand-written competitor); file paths are bound parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bench.common import DAY_US, FIRST_INSTANT, GOAL_BY_ID, LAST_INSTANT, OFFSET_US, GoalSpec

TIME = {"trips": "ended_at", "incidents": "occurred_at", "interventions": "at"}
PARAM = {"trips": "$trips", "incidents": "$incidents", "interventions": "$interventions"}
PREFIX = {"trips": "t", "incidents": "i", "interventions": "v"}


@dataclass(frozen=True)
class Indicator:
    stream: str
    sql: str  # an aggregate over the stream's rows of one (actor, day)
    kind: str  # "sum" (additive over days), "max", "min" (1-day windows only)


IND: dict[str, Indicator] = {
    "t_n": Indicator("trips", "count(*)", "sum"),
    "t_km": Indicator("trips", "coalesce(sum(km), 0)", "sum"),
    "t_km_n": Indicator("trips", "count(km)", "sum"),
    "t_delivered": Indicator("trips", "count(*) FILTER (WHERE delivered)", "sum"),
    "t_maxspeed": Indicator("trips", "max(max_speed_kmh)", "max"),
    "t_school_fast": Indicator(
        "trips", "count(*) FILTER (WHERE zone = 'school' AND max_speed_kmh > 4)", "sum"),
    "t_overweight": Indicator("trips", "count(*) FILTER (WHERE payload_kg > 20)", "sum"),
    "t_long": Indicator(
        "trips", "count(*) FILTER (WHERE epoch_us(ended_at) - epoch_us(started_at) > 3600000000)",
        "sum"),
    "t_aborted": Indicator(
        "trips", "count(*) FILTER (WHERE NOT delivered AND km BETWEEN 0 AND 0.1)", "sum"),
    "t_minbatt": Indicator("trips", "min(battery_end_pct)", "min"),
    "i_n": Indicator("incidents", "count(*)", "sum"),
    "i_sev2": Indicator("incidents", "count(*) FILTER (WHERE severity >= 2)", "sum"),
    "i_sev3": Indicator("incidents", "count(*) FILTER (WHERE severity >= 3)", "sum"),
    "i_late": Indicator(
        "incidents",
        "count(*) FILTER (WHERE epoch_us(reported_at) - epoch_us(occurred_at) > 86400000000)",
        "sum"),
    "i_coll": Indicator("incidents", "count(*) FILTER (WHERE kind = 'collision')", "sum"),
    "i_near": Indicator("incidents", "count(*) FILTER (WHERE kind = 'near-miss')", "sum"),
    "v_n": Indicator("interventions", "count(*)", "sum"),
    "v_long": Indicator("interventions", "count(*) FILTER (WHERE duration_s > 300)", "sum"),
    "v_dur": Indicator("interventions", "coalesce(sum(duration_s), 0)", "sum"),
    "v_dur_n": Indicator("interventions", "count(duration_s)", "sum"),
}


@dataclass(frozen=True)
class Distinct:
    stream: str
    column: str


DISTINCT: dict[str, Distinct] = {
    "t_robots": Distinct("trips", "robot_id"),
    "i_reporters": Distinct("incidents", "reporter"),
}


@dataclass(frozen=True)
class GoalSql:
    value: str  # over window aggregates named like the indicators
    evidence: str | None
    uses: tuple[str, ...]  # indicators and distinct sets


GOAL_SQL: dict[str, GoalSql] = {
    "injury-rate": GoalSql(
        "100000 * i_sev2::DOUBLE / nullif(t_km, 0)", "t_km >= 500", ("i_sev2", "t_km")),
    "timely-reporting": GoalSql("i_late::DOUBLE", None, ("i_late",)),
    "delivery-success": GoalSql(
        "t_delivered::DOUBLE / nullif(t_n, 0)", "t_n >= 20", ("t_delivered", "t_n")),
    "avg-trip-km": GoalSql("t_km / nullif(t_km_n, 0)", None, ("t_km", "t_km_n")),
    "max-speed": GoalSql("t_maxspeed::DOUBLE", None, ("t_maxspeed",)),
    "school-zone-speeding": GoalSql("t_school_fast::DOUBLE", None, ("t_school_fast",)),
    "active-robots": GoalSql("t_robots::DOUBLE", None, ("t_robots",)),
    "network-km": GoalSql("t_km", None, ("t_km",)),
    "interventions-per-100km": GoalSql(
        "100 * v_n::DOUBLE / nullif(t_km, 0)", None, ("v_n", "t_km")),
    "long-interventions": GoalSql("v_long::DOUBLE", None, ("v_long",)),
    "avg-intervention-time": GoalSql("v_dur / nullif(v_dur_n, 0)", None, ("v_dur", "v_dur_n")),
    "severe-incidents": GoalSql("i_sev3::DOUBLE", None, ("i_sev3",)),
    "collisions-per-1000-trips": GoalSql(
        "1000 * i_coll::DOUBLE / nullif(t_n, 0)", "t_n >= 100", ("i_coll", "t_n")),
    "near-miss-share": GoalSql("i_near::DOUBLE / nullif(i_n, 0)", None, ("i_near", "i_n")),
    "overweight-trips": GoalSql("t_overweight::DOUBLE", None, ("t_overweight",)),
    "long-trips": GoalSql("t_long::DOUBLE", None, ("t_long",)),
    "incident-reporters": GoalSql("i_reporters::DOUBLE", None, ("i_reporters",)),
    "aborted-trip-share": GoalSql(
        "t_aborted::DOUBLE / nullif(t_n, 0)", None, ("t_aborted", "t_n")),
    "min-battery": GoalSql("t_minbatt::DOUBLE", None, ("t_minbatt",)),
    "network-incident-rate": GoalSql(
        "1000 * i_n::DOUBLE / nullif(t_n, 0)", None, ("i_n", "t_n")),
}


def _num(x: float) -> str:
    return repr(float(x))


def _status_sql(goal: GoalSpec, value: str, evidence: str | None) -> str:
    """The status: the target in force is chosen by the window start's day."""
    judged = []
    for i, t in enumerate(goal.targets):
        op = "=" if t.op == "==" else t.op
        later = [u.since for u in goal.targets[i + 1:]]
        until = f"instant - {goal.window_days} < {later[0]}" if later else "true"
        since = f"instant - {goal.window_days} >= {t.since}" if i > 0 else "true"
        judged.append(f"WHEN {since} AND {until} THEN ({value}) {op} {_num(t.value)}")
    ev = f"coalesce({evidence}, false)" if evidence else "true"
    return (f"CASE WHEN ({value}) IS NULL OR NOT {ev} THEN 'insufficient' "
            f"WHEN CASE {' '.join(judged)} END THEN 'met' ELSE 'unmet' END")


def _daily(stream: str, names: list[str], distinct: list[str]) -> str:
    """One scan of a stream: its indicators by (actor, local day)."""
    cols = [f"count(*) AS {PREFIX[stream]}_ev"]
    cols += [f"{IND[n].sql} AS {n}" for n in names]
    cols += [f"list(DISTINCT {DISTINCT[d].column}) FILTER (WHERE {DISTINCT[d].column} "
             f"IS NOT NULL) AS {d}_list" for d in distinct]
    return (f"SELECT operator AS actor, CAST((epoch_us(\"{TIME[stream]}\") + {OFFSET_US}) "
            f"// {DAY_US} AS INTEGER) AS day, {', '.join(cols)} "
            f"FROM read_parquet({PARAM[stream]}) GROUP BY ALL")


def build_sql(goal_ids: list[str]) -> str:
    """One statement computing the findings of these goals (see the module doc)."""
    goals = [GOAL_SQL[g] for g in goal_ids]
    uses = sorted({u for g in goals for u in g.uses})
    inds = [u for u in uses if u in IND]
    dists = [u for u in uses if u in DISTINCT]
    max_w = max(GOAL_BY_ID[g].window_days for g in goal_ids)
    ctes: list[str] = []
    for s in ("trips", "incidents", "interventions"):
        names = [n for n in inds if IND[n].stream == s]
        dn = [d for d in dists if DISTINCT[d].stream == s]
        ctes.append(f"d_{s} AS ({_daily(s, names, dn)})")
    ctes.append("actors AS (SELECT actor FROM d_trips UNION SELECT actor FROM d_incidents "
                "UNION SELECT actor FROM d_interventions)")
    ctes.append(f"grid AS (SELECT a.actor, r.range::INTEGER AS day FROM actors a, "
                f"range({FIRST_INSTANT - max_w - 1}, {LAST_INSTANT}) r)")
    filled = ["coalesce(t.t_ev, 0) + coalesce(i.i_ev, 0) + coalesce(v.v_ev, 0) AS ev"]
    for n in inds:
        src = PREFIX[IND[n].stream]
        filled.append(f"{src}.{n}" if IND[n].kind != "sum" else f"coalesce({src}.{n}, 0) AS {n}")
    steps: list[str] = []
    for d in dists:
        w = max(GOAL_BY_ID[g].window_days for g in goal_ids if d in GOAL_SQL[g].uses)
        ctes.append(
            f"{d}_occ AS (SELECT actor, day, unnest({d}_list) AS val "
            f"FROM d_{DISTINCT[d].stream})")
        ctes.append(
            f"{d}_steps AS (SELECT actor, d - 1 AS day, sum(delta) AS delta FROM ("
            f"SELECT actor, day + 1 AS d, 1 AS delta FROM {d}_occ UNION ALL "
            f"SELECT actor, least(day + {w}, coalesce(lead(day) OVER "
            f"(PARTITION BY actor, val ORDER BY day), day + {w})) + 1, -1 FROM {d}_occ"
            f") GROUP BY ALL)")
        filled.append(f"coalesce({d}_steps.delta, 0) AS {d}_delta")
        steps.append(f"LEFT JOIN {d}_steps ON {d}_steps.actor = grid.actor "
                     f"AND {d}_steps.day = grid.day")
    ctes.append(
        "daily AS (SELECT grid.actor, grid.day, " + ", ".join(filled) + " FROM grid "
        "LEFT JOIN d_trips t ON t.actor = grid.actor AND t.day = grid.day "
        "LEFT JOIN d_incidents i ON i.actor = grid.actor AND i.day = grid.day "
        "LEFT JOIN d_interventions v ON v.actor = grid.actor AND v.day = grid.day "
        + " ".join(steps) + ")")
    windows = sorted({GOAL_BY_ID[g].window_days for g in goal_ids})
    wcols = [f"sum(ev) OVER w{w} AS ev_{w}" for w in windows]
    for g in goal_ids:
        w = GOAL_BY_ID[g].window_days
        for u in GOAL_SQL[g].uses:
            if u in DISTINCT:
                wcols.append(f"sum({u}_delta) OVER wall AS {u}_{w}")
            elif IND[u].kind == "sum":
                wcols.append(f"sum({u}) OVER w{w} AS {u}_{w}")
            else:
                wcols.append(f"{IND[u].kind}({u}) OVER w{w} AS {u}_{w}")
    wdefs = [f"w{w} AS (PARTITION BY actor ORDER BY day ROWS BETWEEN {w - 1} PRECEDING "
             f"AND CURRENT ROW)" for w in windows]
    wdefs.append("wall AS (PARTITION BY actor ORDER BY day ROWS UNBOUNDED PRECEDING)")
    ctes.append(f"win AS (SELECT actor, day + 1 AS instant, {', '.join(sorted(set(wcols)))} "
                f"FROM daily WINDOW {', '.join(wdefs)})")
    all_goals = [g for g in goal_ids if GOAL_BY_ID[g].per == "all"]
    if all_goals:
        sums = sorted({u for g in all_goals for u in GOAL_SQL[g].uses})
        ctes.append("daily_all AS (SELECT day, " + ", ".join(f"sum({u}) AS {u}" for u in sums)
                    + " FROM daily GROUP BY day)")
        awcols = []
        for g in all_goals:
            w = GOAL_BY_ID[g].window_days
            awcols += [f"sum({u}) OVER w{w} AS {u}_{w}" for u in GOAL_SQL[g].uses]
        ctes.append(f"win_all AS (SELECT day + 1 AS instant, {', '.join(sorted(set(awcols)))} "
                    f"FROM daily_all WINDOW "
                    + ", ".join(f"w{w} AS (ORDER BY day ROWS BETWEEN {w - 1} PRECEDING AND "
                                f"CURRENT ROW)" for w in windows) + ")")
    selects = []
    for g in goal_ids:
        spec, gs = GOAL_BY_ID[g], GOAL_SQL[g]
        w = spec.window_days
        value, evidence = gs.value, gs.evidence
        for u in sorted(gs.uses, key=len, reverse=True):
            value = _rename(value, u, f"{u}_{w}")
            evidence = _rename(evidence, u, f"{u}_{w}") if evidence else None
        src, actor, presence = ("win_all", "'*'", "") if spec.per == "all" else (
            "win", "actor", f" AND ev_{w} > 0")
        selects.append(
            f"SELECT '{g}' AS goal, {actor} AS actor, instant::BIGINT * {DAY_US} - {OFFSET_US} "
            f"AS window_end_us, ({value})::DOUBLE AS value, "
            f"{_status_sql(spec, value, evidence)} AS status FROM {src} "
            f"WHERE instant BETWEEN {FIRST_INSTANT} AND {LAST_INSTANT}{presence}")
    return "WITH " + ",\n".join(ctes) + "\n" + "\nUNION ALL\n".join(selects)


def _rename(text: str, name: str, new: str) -> str:
    return re.sub(rf"\b{re.escape(name)}\b", new, text)
