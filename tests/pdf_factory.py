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


def _short_minutes(c) -> None:
    """One short item of minutes with a resolution, at the top of the page."""
    c.setFont("Helvetica-Bold", 11)
    c.drawString(60, 760, "Minutes of a meeting of the Example Board held at Town Hall on Monday, 4 September 2017.")
    c.drawString(60, 730, "5. Budget.")
    c.setFont("Helvetica", 11)
    c.drawString(60, 700, "RESOLVED that the budget be approved.")
    c.drawString(60, 670, "6. Close.")


def partly_scanned(path: Path) -> Path:
    """Minutes on page 1, a scanned image on page 2."""
    from reportlab.lib.utils import ImageReader
    from PIL import Image

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _short_minutes(c)
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


# --- Generated papers for the reliability tests (crash safety, huge input, hostile input) ---

GENERATED_BODY = "Example Generated Board"


def minutes_text(path: Path, seed: int, items: int = 6) -> Path:
    """Minutes as a text dump: a meeting header, ``items`` numbered items,
    every other one with a lettered RESOLVED block and a form feed between
    pages. ``seed`` varies the wording, so each file has its own records."""
    import random

    rng = random.Random(seed)
    subjects = ["the budget", "the annual report", "the risk register", "the work plan", "the audit findings",
                "the terms of reference", "the consultation response", "the performance dashboard"]
    lines = [f"Minutes of a meeting of the {GENERATED_BODY} {seed} held at Town Hall on Monday, "
             f"{1 + seed % 27} March 2021.", "", "Present", "", "Cllr A. Jones – in the Chair", ""]
    for number in range(1, items + 1):
        subject = rng.choice(subjects)
        lines += [f"{number}. Item {number} on {subject} ({seed}).", "",
                  f"The Board considered a report on {subject} and discussed point {rng.randint(1, 999)}.", ""]
        if number % 2:
            lines += ["RESOLVED:", "",
                      f"a) That {subject} be noted ({seed}-{number});", "",
                      f"b) That the Clerk be requested to circulate {subject} to members by {number} April.", ""]
        if number % 3 == 0:
            lines.append("\f")
    lines += ["The meeting closed at 11.35am", "", "CHAIRMAN", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def long_minutes(path: Path, pages: int, *, lines_per_page: int = 30) -> Path:
    """A long PDF made quickly with the bare canvas: a running header and a page
    number on every page, minutes-like body text, a numbered item with a
    RESOLVED clause on every page."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
    width, height = A4
    header = f"{GENERATED_BODY} – 4 September 2017"
    for number in range(1, pages + 1):
        c.setFont("Helvetica", 8)
        c.drawString(60, height - 30, header)
        c.drawCentredString(width / 2, 30, str(number))
        y = height - 70
        if number == 1:
            c.setFont("Helvetica-Bold", 11)
            c.drawString(60, y, f"Minutes of a meeting of the {GENERATED_BODY} held at Town Hall on "
                                "Monday, 4 September 2017.")
            y -= 24
        c.setFont("Helvetica-Bold", 11)
        c.drawString(60, y, f"{number}. Report on matter number {number}.")
        y -= 20
        c.setFont("Helvetica", 10)
        for row in range(lines_per_page - 6):
            c.drawString(60, y, f"The Board discussed paragraph {row + 1} of the report on matter {number}, "
                                "including its costs and timetable.")
            y -= 14
        y -= 8
        c.drawString(60, y, "RESOLVED:")
        y -= 20
        c.drawString(60, y, f"a) That the report on matter {number} be noted.")
        c.showPage()
    c.save()
    return path


def _raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF from raw object bodies (object i + 1 is ``objects[i]``; object 1
    is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def active_content(path: Path) -> Path:
    """Minutes on one page in a PDF that also carries JavaScript (an OpenAction
    and a document-level script), an embedded file and a link annotation
    whose action is a script. The script and the attachment contain
    decision words that must never be read as text."""
    text = (b"BT /F1 11 Tf 60 760 Td (Minutes of a meeting of the Example Board held at Town Hall on "
            b"Monday, 4 September 2017.) Tj 0 -30 Td (5. Budget.) Tj 0 -30 Td "
            b"(RESOLVED that the budget be approved.) Tj 0 -30 Td (6. Close.) Tj ET")
    script = b"app.alert('RESOLVED that the script ran'); this.exportDataObject({cName: 'evil.txt', nLaunch: 2});"
    attachment = b"RESOLVED that the attachment be read as minutes.\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R /Names << /JavaScript 7 0 R /EmbeddedFiles 8 0 R >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R /Annots [11 0 R] /AA << /O 6 0 R >> >>",
        _stream(text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Action /S /JavaScript /JS 12 0 R >>",
        b"<< /Names [(startup) 6 0 R] >>",
        b"<< /Names [(evil.txt) 9 0 R] >>",
        b"<< /Type /Filespec /F (evil.txt) /UF (evil.txt) /EF << /F 10 0 R >> >>",
        _stream(attachment, b"/Type /EmbeddedFile /Subtype /text#2Fplain "),
        b"<< /Type /Annot /Subtype /Link /Rect [60 600 300 620] /Border [0 0 0] /A 6 0 R >>",
        _stream(script),
    ]
    path.write_bytes(_raw_pdf(objects))
    return path


def form_fields(path: Path) -> Path:
    """Minutes with an AcroForm: a text field pre-filled with decision words, a
    checkbox and a choice list, drawn with reportlab's ``acroForm``."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _short_minutes(c)
    form = c.acroForm
    form.textfield(name="decision", value="RESOLVED that the form field be read", x=60, y=560, width=400,
                   height=20)
    form.checkbox(name="agreed", x=60, y=520, checked=True)
    form.choice(name="status", value="Approved", options=["Approved", "Rejected"], x=60, y=480, width=120,
                height=20)
    c.showPage()
    c.save()
    return path


def mini_pack(path: Path) -> Path:
    """A small agenda pack: front sheet, blank page, a report stamped "Agenda
    Item 5" with recommendations, then its appendix."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4

    def page(lines, stamp=None, header=True, number=None):
        if stamp:
            c.setFont("Helvetica-Bold", 10)
            c.drawRightString(width - 50, height - 30, stamp)
        if header:
            c.setFont("Helvetica", 8)
            c.drawString(50, height - 30, "Example Board – 18 March 2022")
        if number:
            c.setFont("Helvetica", 8)
            c.drawCentredString(width / 2, 25, str(number))
        y = height - 80
        for style, text in lines:
            c.setFont("Helvetica-Bold" if style == "b" else "Helvetica", 11)
            c.drawString(60, y, text)
            y -= 16
        c.showPage()

    page([("b", "EXAMPLE BOARD"), ("", "Friday, 18 March 2022 at 10.00 am"), ("", "Town Hall"), ("b", "Agenda"),
          ("", "1. Apologies"), ("", "5. Training on Modern Slavery. (Pages 3 - 4)"),
          ("", "This report will be presented by Gary Bee, Detective Inspector."), ("", "6. Any other business")],
         header=False, number=1)
    page([("", "This page is intentionally left blank")], header=False, number=2)
    page([("b", "TRAINING ON MODERN SLAVERY"), ("b", "Purpose of report"), ("", "1. To propose training."),
          ("b", "Recommendations"), ("", "2. That the Board agrees to arrange training for members."),
          ("", "3. That the Board notes the national picture.")], stamp="Agenda Item 5", header=False, number=3)
    page([("", "The training would be delivered by Leicestershire Police.")], number=4)
    page([("b", "Appendix A"), ("b", "Training outline"), ("", "Session one covers the signs of exploitation.")],
         header=False, number=5)
    page([("", "Session two covers referrals.")], number=6)
    c.save()
    return path


def boxes_written(path: Path, *, page_box: bytes | None, parent_box: bytes | None = None,
                  decoy_box: bytes | None = None, rotate: bytes | None = None) -> Path:
    """Minutes on one page whose MediaBox is written as given: on the page,
    only on its parent (inherited), and/or beside a decoy dictionary holding
    another array of the same single-precision values; with an optional
    /Rotate."""
    text = (b"BT /F1 11 Tf 60 760 Td (Minutes of a meeting of the Example Board held at Town Hall on "
            b"Monday, 4 September 2017.) Tj 0 -30 Td (5. Budget.) Tj 0 -30 Td "
            b"(RESOLVED that the budget be approved.) Tj ET")
    page = b"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R"
    if page_box:
        page += b" /MediaBox [" + page_box + b"]"
    if rotate:
        page += b" /Rotate " + rotate
    parent = b"<< /Type /Pages /Kids [3 0 R] /Count 1" + (b" /MediaBox [" + parent_box + b"]" if parent_box else b"")
    decoy = b" /PieceInfo << /MediaBox [" + decoy_box + b"] >>" if decoy_box else b""  # before the page's
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R" + decoy + b" >>",
        parent + b" >>",
        page + b" >>",
        _stream(text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    path.write_bytes(_raw_pdf(objects))
    return path


def odd_paths(path: Path) -> Path:
    """Vector paths of every shape pdfminer tells apart, on a plain page and
    on a /Rotate 90 page whose MediaBox does not start at the origin: rects
    (``re``, four lines closed, closed twice), lines (two points, and one
    drawn out and back), curves, a quadrilateral that is not a rectangle,
    lone move-tos between subpaths, a close straight after a move-to, paths
    under ``cm`` (moved, skewed) and in a form XObject with its own matrix,
    and fills in grey, RGB and CMYK."""
    shapes = (b"q 1 0 0 rg 0 0 1 RG 60 700 200 20 re f "
              b"10 10 m 100 10 l 100 50 l 10 50 l h f "
              b"200 200 m 300 200 l 300 260 l 200 260 l 200 200 l h S "
              b"50 600 m 150 600 l S 50 620 m 150 640 l 50 620 l h S "
              b"300 300 m 310 320 320 320 330 300 c 340 280 350 280 360 300 c S "
              b"0.2 g 400 400 m 400 410 m 450 410 l 450 450 l 400 400 m f "
              b"0 0 0 1 k 100 100 m 150 110 l 160 160 l 90 150 l h f "
              b"500 100 m h S 420 500 m 430 500 l 440 500 l 450 500 l 460 500 l 470 500 l S "
              b"q 1 0 0 1 20 30 cm 10 300 m 40 300 l S Q q 1 0.2 0 1 0 0 cm 80 300 30 30 re S Q "
              b"/Fm1 Do Q ")
    text = b"BT /F1 11 Tf 60 780 Td (Shapes of every kind, 2017.) Tj ET "
    form = b"0 1 0 rg 0 0 40 40 re f 0 0 m 40 40 l S"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 6 0 R >> "
        b"/XObject << /Fm1 7 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [10 20 605 862] /Rotate 90 /Resources << /Font << /F1 6 0 R >> "
        b"/XObject << /Fm1 7 0 R >> >> /Contents 5 0 R >>",
        _stream(text + shapes),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        _stream(form, b"/Type /XObject /Subtype /Form /BBox [0 0 40 40] /Matrix [0.5 0 0 0.5 100 500] "),
    ]
    path.write_bytes(_raw_pdf(objects))
    return path


def surrogate_text(path: Path) -> Path:
    """Minutes in Helvetica whose ToUnicode CMap maps "A" to half of a UTF-16
    surrogate pair (U+DF00) and "B" to a pair (U+1F600): what a damaged or
    careless font program gives. PDFium hands both on as surrogates."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Odd def "
            b"1 begincodespacerange <00> <FF> endcodespacerange 2 beginbfchar <41> <DF00> <42> <D83DDE00> "
            b"endbfchar endcmap CMapName currentdict /CMap defineresource pop end end")
    text = (b"BT /F1 11 Tf 60 760 Td (Minutes of a meeting of the Example Board held on Monday, 4 September 2017.) Tj "
            b"0 -30 Td (5. Budget AB.) Tj 0 -30 Td (RESOLVED that the budget of A 12 be approved B.) Tj ET")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        _stream(text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        _stream(cmap),
    ]
    path.write_bytes(_raw_pdf(objects))
    return path
