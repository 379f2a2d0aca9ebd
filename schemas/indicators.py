"""Indicators: statistics read from board papers, as numbers with their meaning.

One record per value: a cell of a KPI dashboard or comparison table, a figure
in a year series, or a statistic stated in a sentence ("the rate ... is 20.2
per 100,000 population, which is below the national average of 37.4").
Each says what is measured (``name``), the number (``value``) and how it was
written (``value_text``), its unit, the period and area it covers when the
paper says so, what it is compared with, its RAG rating and direction of
travel, and where it was read: the table (``table_title``, ``row_label``,
``column``) or the sentence (``source_text``).
"""
from __future__ import annotations

from typing import ClassVar, Literal

from schemas.records import Provenance, record_id

IndicatorKind = Literal["table", "prose"]
Rag = Literal["Red", "Amber", "Green"]
Direction = Literal["up", "down", "level"]


class Indicator(Provenance):
    table: ClassVar[str] = "indicators"
    id: str
    body: str | None = None
    name: str  # what is measured: the row label, or the measure a sentence names
    value: float | None = None  # None only where a cell holds a rating and no number
    value_text: str = ""  # as written: "42.8%", "£4,900", "4/9", "GREEN"
    unit: str | None = None  # "%", "per 1,000 population", "£", "count", "rank"
    period: str | None = None  # "2017/18 Q2", "2021/22", "April 16- March 17"
    area: str | None = None
    comparator: str | None = None  # "national", "England", "regional average", "previous year", "target"
    comparator_value: float | None = None
    rag: Rag | None = None
    direction: Direction | None = None  # as drawn or said; for KPI dashboards, usually "performance"
    table_title: str | None = None
    source_text: str | None = None  # the sentence a prose statistic was read from
    meeting_id: str | None = None
    column: str | None = None  # the header the value sits under
    row_label: str | None = None
    kind: IndicatorKind = "table"
    series_key: str = ""  # normalised name + unit: one series across meetings


def indicator_id(document_id: str, page: int | None, name: str, column_or_period: str | None,
                 value_text: str) -> str:
    return record_id(document_id, page, name, column_or_period, value_text)
