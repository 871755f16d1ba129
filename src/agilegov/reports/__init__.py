"""Reports from individuals and communities, and the accountability report of a domain.

`public` takes reports from anyone (no account needed), under the abuse limits of `limits`,
records each in the transparency ledger (only hashes, never who sent it) and lets regulators
triage them; an accepted report becomes an event of the domain's `public_reports` stream when
its rulebook declares one. `accountability` gathers, per domain and period, how well each goal
was met, trends, actions (or cases) and reports; `render` writes it as HTML with charts that
work offline, and `oscal` as an OSCAL assessment-results document.
"""
