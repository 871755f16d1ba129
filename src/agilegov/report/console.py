"""Rich tables summarising a domain's evaluation in a terminal (used by the demo).

Every text that comes from a rulebook or from data is passed as `rich.text.Text`,
never as markup, so a title like "[bold]" prints as written.
"""

from __future__ import annotations

from rich.console import Group
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from agilegov.report import text
from agilegov.report.summary import DomainSummary, GoalSummary

LATEST_ACTIONS = 5
WORST_SHOWN = 3

_STATUS_STYLE = {"met": "green", "unmet": "red", "insufficient": "yellow"}


def _worst(goal: GoalSummary) -> Text:
    worst = goal.worst[:WORST_SHOWN]
    if not worst:
        return Text("none", style="dim")
    return Text(", ".join(f"{text.actor(r.actor)} ({r.shares.unmet})" for r in worst))


def _share(goal: GoalSummary, status: str) -> Text:
    share = goal.shares.share(status)  # type: ignore[arg-type]
    return Text(text.percent(share), style=_STATUS_STYLE[status] if share else "")


def goals_table(summary: DomainSummary) -> Table:
    """One row per goal: the target in force at the end, findings, shares, worst, actions."""
    table = Table(title="Goals", title_justify="left")
    table.add_column("Goal")
    table.add_column("Target")
    table.add_column("Findings", justify="right")
    table.add_column("Met", justify="right")
    table.add_column("Unmet", justify="right")
    table.add_column("Insufficient", justify="right")
    table.add_column("Worst actors (unmet)")
    table.add_column("Actions", justify="right")
    for g in summary.goals:
        table.add_row(
            Text(g.goal.title),
            Text(g.findings[-1].target if g.findings else g.goal.targets[0][1].text),
            str(g.shares.total),
            _share(g, "met"),
            _share(g, "unmet"),
            _share(g, "insufficient"),
            _worst(g),
            str(len(g.actions)),
        )
    return table


def actions_table(summary: DomainSummary) -> Table:
    """Counts of actions by kind (in the caption) and the latest few actions."""
    counts = ", ".join(
        f"{n} × {text.action_kind(kind)}" for kind, n in summary.action_counts.items()
    )
    table = Table(
        title="Latest actions",
        title_justify="left",
        caption=Text(f"All actions: {counts}" if counts else "No actions were taken."),
        caption_justify="left",
    )
    table.add_column("When")
    table.add_column("Goal")
    table.add_column("Actor")
    table.add_column("Action")
    table.add_column("Due")
    for a in summary.actions[-LATEST_ACTIONS:][::-1]:
        table.add_row(
            text.when(a.at),
            Text(a.goal),
            Text(text.actor(a.actor)),
            Text(text.action_kind(a.do)),
            text.when(a.due) if a.due is not None else "—",
        )
    return table


def domain_tables(summary: DomainSummary) -> Group:
    """A heading, the goals table and the actions table of one domain, for `console.print`."""
    rb = summary.rulebook
    heading = Rule(Text(f"{rb.title or rb.domain} ({rb.domain} v{rb.version})"), align="left")
    return Group(heading, goals_table(summary), actions_table(summary))
