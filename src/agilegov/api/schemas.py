"""Response shapes, for the OpenAPI document (the routes build plain dicts of these shapes)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ProblemOut(BaseModel):
    message: str
    pointer: str | None = Field(None, description="JSON pointer into the request body")
    field: str | None = None
    item: int | None = Field(None, description="index of the item in the batch")
    file: str | None = None
    line: int | None = None
    column: int | None = None
    row: int | None = None


class ErrorDetail(BaseModel):
    type: str
    problems: list[ProblemOut]


class ErrorOut(BaseModel):
    error: ErrorDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "The bearer token is malformed, unknown or revoked"},
    403: {"model": ErrorOut, "description": "The caller may not do this"},
    404: {"model": ErrorOut, "description": "No such domain, stream or record"},
    422: {"model": ErrorOut, "description": "Invalid request: see the problems"},
}


class RejectedOut(BaseModel):
    item: int
    pointer: str
    message: str


class ReceiptOut(BaseModel):
    """Proof that an act is in the transparency ledger (see docs/ledger.md)."""

    index: int = Field(description="the entry's index in the ledger")
    leaf_hash: str = Field(description="base64 of SHA-256(0x00 || entry bytes)")
    checkpoint: str = Field(description="a signed checkpoint (C2SP signed note) including it")


class IngestOut(BaseModel):
    batch_id: int
    received: int
    accepted: int
    duplicates: int
    rejected: list[RejectedOut]
    receipt: ReceiptOut | None = Field(
        None, description="the ledger's receipt of the batch's `events.received` entry")


class GoalOut(BaseModel):
    id: str
    title: str
    per: Literal["actor", "all"]
    window: str
    every: str
    target: str = Field(description="the target in force today")
    owner: str | None = None


class StreamOut(BaseModel):
    name: str
    time: str
    actor: str
    key: str | None
    fields: dict[str, str]
    personal: list[str]


class DomainOut(BaseModel):
    domain: str
    title: str | None
    version: int
    effective_from: str
    field: str | None
    jurisdiction: str | None
    timezone: str
    streams: list[StreamOut]
    goals: list[GoalOut]
    watermark: str | None = Field(None, description="event-time watermark of the live monitor")


class DomainAddedOut(DomainOut):
    receipt: ReceiptOut | None = Field(
        None, description="the ledger's receipt of the `rulebook.adopted` entry (none when "
        "this exact rulebook text was recorded before)")


class FindingOut(BaseModel):
    kind: Literal["finding"]
    domain: str
    version: int
    goal: str
    actor: str
    k: int
    window_start: str
    window_end: str
    value: float | None
    target: str
    status: Literal["met", "unmet", "insufficient"]
    revision: int


class ActionOut(BaseModel):
    kind: Literal["action"]
    domain: str
    goal: str
    actor: str
    k: int
    response: int
    at: str
    do: str
    due: str | None = None
    state: Literal["active", "withdrawn"]


class FindingsPage(BaseModel):
    items: list[FindingOut]
    total: int
    offset: int
    limit: int
    next_offset: int | None


class ActionsPage(BaseModel):
    items: list[ActionOut]
    total: int
    offset: int
    limit: int
    next_offset: int | None


class RevisionOut(BaseModel):
    revision: int
    value: float | None
    status: str
    target: str
    version: int
    previous_value: float | None
    previous_status: str | None
    previous_target: str | None
    changed_at: str


class QuarantineProblemOut(BaseModel):
    pointer: str
    message: str


class QuarantineOut(BaseModel):
    id: int
    domain: str
    stream: str
    operator: str | None
    source: str
    item: int
    data: Any
    problems: list[QuarantineProblemOut]
    received_at: str


class QuarantinePage(BaseModel):
    items: list[QuarantineOut]
    offset: int
    limit: int
    next_offset: int | None


class WebhookIn(BaseModel):
    url: str = Field(description="http(s) URL that receives a signed POST per action change")
    secret: str | None = Field(None, min_length=16, description="HMAC key; generated if absent")
    operator: str | None = Field(None, description="only this operator's actions")


class WebhookOut(BaseModel):
    id: int
    domain: str
    url: str
    secret: str
    operator: str | None
    created_at: str


class DeliveryOut(BaseModel):
    id: int
    webhook_id: int
    delivery: str
    attempt: int
    ok: bool
    status_code: int | None
    error: str | None
    at: str
