"""The HTML report of evaluations: overview, one page per domain, offline charts."""

from agilegov.report.html import write_report
from agilegov.report.summary import DomainResult

__all__ = ["DomainResult", "write_report"]
