"""Small PDFs made at test time with reportlab: one per reader quirk."""
from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def minutes_across_pages(path: Path) -> Path:
    """Minutes whose resolution crosses a page break, under a running header
    and above a page-number footer, with bold item headings."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4

    def furniture(number: int) -> None:
        c.setFont("Helvetica", 8)
        c.drawString(60, height - 30, "Example Board – 4 September 2017")
        c.drawCentredString(width / 2, 30, str(number))

    y = height - 80
    c.setFont("Helvetica-Bold", 12)
    c.drawString(60, y, "Minutes of a meeting of the Example Board held at Town Hall on Monday, 4 September 2017.")
    lines = [("b", "20. Performance Report."), ("", "The Board considered the report."), ("", ""),
             ("b", "RESOLVED"), ("", ""), ("", "a) That the report be noted;"), ("", ""),
             ("", "b) That the Director be requested to carry out a further review of")]
    furniture(1)
    for style, text in lines:
        y -= 16
        c.setFont("Helvetica-Bold" if style else "Helvetica", 11)
        c.drawString(60, y, text)
    c.showPage()
    furniture(2)
    y = height - 80
    for style, text in [("", "the figures and report back."), ("", ""), ("b", "21. Date of next meeting.")]:
        y -= 16
        c.setFont("Helvetica-Bold" if style else "Helvetica", 11)
        c.drawString(60, y, text)
    c.showPage()
    furniture(3)
    c.setFont("Helvetica", 11)
    c.drawString(60, height - 96, "The Board noted the dates.")
    c.showPage()
    c.save()
    return path


def scanned(path: Path) -> Path:
    """A page that is only an image: no text layer."""
    from reportlab.lib.utils import ImageReader
    from PIL import Image

    image = Image.new("RGB", (200, 100), "white")
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.drawImage(ImageReader(image), 50, 500, width=400, height=200)
    c.showPage()
    c.save()
    return path


def encrypted(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4, encrypt="secret", invariant=1)
    c.drawString(60, 700, "RESOLVED that this is secret.")
    c.showPage()
    c.save()
    return path


def partly_scanned(path: Path) -> Path:
    """Minutes on page 1, a scanned image on page 2."""
    from reportlab.lib.utils import ImageReader
    from PIL import Image

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica-Bold", 11)
    c.drawString(60, 760, "Minutes of a meeting of the Example Board held at Town Hall on Monday, 4 September 2017.")
    c.drawString(60, 730, "5. Budget.")
    c.setFont("Helvetica", 11)
    c.drawString(60, 700, "RESOLVED that the budget be approved.")
    c.drawString(60, 670, "6. Close.")
    c.showPage()
    c.drawImage(ImageReader(Image.new("RGB", (200, 100), "white")), 50, 500, width=400, height=200)
    c.showPage()
    c.save()
    return path


ACTION_HEADER = ["No.", "Date", "Action", "Responsible Officer", "Comments", "Status"]
RAG_FILLS = {"Red": "#FF0000", "Amber": "#FFC000", "Green": "#00B050"}


def action_log(path: Path, rows: list[list[str]], *, header: list[str] = ACTION_HEADER,
               title: str = "Example Board Action Log", fills: dict[int, str] | None = None,
               status_column: int | None = None, split_rows: bool = False) -> Path:
    """An action log as a ruled table with a header repeated on every page.
    ``fills`` colours the status cell of row i (0-based) with a RAG colour;
    ``split_rows`` lets a tall row continue on the next page."""
    from reportlab.lib import colors
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    data = [[Paragraph(f"<b>{h}</b>", body) for h in header]]
    data += [[Paragraph(cell, body) for cell in row] for row in rows]
    widths = [36, 52, 150, 80, 120, 45] if header == ACTION_HEADER else [480 / len(header)] * len(header)
    table = Table(data, colWidths=widths, repeatRows=1, splitInRow=1 if split_rows else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#D9D9D9")),
             ("VALIGN", (0, 0), (-1, -1), "TOP")]
    column = len(header) - 1 if status_column is None else status_column
    for index, colour in (fills or {}).items():
        style.append(("BACKGROUND", (column, index + 1), (column, index + 1), colors.HexColor(RAG_FILLS[colour])))
    table.setStyle(TableStyle(style))

    def footer(canvas_, doc_):
        canvas_.setFont("Helvetica", 8)
        canvas_.drawCentredString(A4[0] / 2, 20, str(doc_.page))

    doc = SimpleDocTemplate(str(path), pagesize=A4, invariant=1, title=title)
    doc.build([Paragraph(f"<b>{title}</b>", styles["Heading2"]), Paragraph("Friday, 17 June 2022", body), table],
              onFirstPage=footer, onLaterPages=footer)
    return path


def unruled_action_log(path: Path, rows: list[list[str]]) -> Path:
    """The same log without any ruling lines: columns only by position."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    body = getSampleStyleSheet()["BodyText"]
    data = [[Paragraph(f"<b>{h}</b>", body) for h in ACTION_HEADER]] + [[Paragraph(c, body) for c in r] for r in rows]
    table = Table(data, colWidths=[36, 52, 150, 80, 120, 45], repeatRows=1)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(
        [Paragraph("<b>Example Board Action Log</b>", body), table])
    return path
