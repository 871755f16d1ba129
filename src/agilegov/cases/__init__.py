"""Enforcement cases, self-reports with credit, and investigations apart from blame.

A case follows one (domain, goal, actor) through the rulebook's ladder of responses:
opened by the first action of a run, advanced by later actions, by the operator (a
corrective plan, an appeal) and by the regulator (accepting or rejecting a plan, deciding
an appeal), resolved when the goal holds again, escalated when a deadline passes or the
ladder calls for a higher response. Every step is stored and appended to the ledger.

Investigations are records of their own: the case state machine takes no input from them.
"""
