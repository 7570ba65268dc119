"""The program report as a PDF file, drawn on the server with ReportLab: headline figures,
then each chart with its data table, for funders who want a file rather than a web page.

Every text from the database goes through escape(): ReportLab paragraphs read a little
markup, and a program called "<b>" must print as typed.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

from .queries import Chart

PALETTE = ["#1d4e89", "#e07a1f", "#2a9d8f", "#8e44ad", "#c0392b", "#7f8c8d"]
WIDTH = A4[0] - 36 * mm
LABEL_CHARS = 18


def _fonts() -> tuple[str, str]:
    """Bitstream Vera, shipped inside ReportLab: wider than the PDF base fonts' Latin-1."""
    folder = Path(reportlab.__file__).parent / "fonts"
    try:
        pdfmetrics.registerFont(TTFont("Vera", folder / "Vera.ttf"))
        pdfmetrics.registerFont(TTFont("VeraBd", folder / "VeraBd.ttf"))
    except Exception:  # noqa: BLE001 - a packaging without the fonts still gets a PDF
        return "Helvetica", "Helvetica-Bold"
    return "Vera", "VeraBd"


def _styles(regular: str, bold: str) -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", base["Title"], fontName=bold, alignment=0),
        "h2": ParagraphStyle("h2", base["Heading2"], fontName=bold),
        "h3": ParagraphStyle("h3", base["Heading3"], fontName=bold),
        "body": ParagraphStyle("body", base["BodyText"], fontName=regular),
        "cell": ParagraphStyle("cell", base["BodyText"], fontName=regular, fontSize=8, leading=10),
    }


def _text(value) -> str:
    return "—" if value is None else escape(str(value))


def _short(label) -> str:
    text = str(label)
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _drawing(chart: Chart, font: str) -> Drawing | None:
    series = chart.series[: chart.plotted or None]
    if not chart.labels or not series:
        return None
    height = 60 * mm
    drawing = Drawing(WIDTH, height + 12 * mm)
    # A line needs two points in every series (ReportLab asserts it); else bars say the same.
    line = chart.kind == "line" and all(
        sum(isinstance(v, int | float) for v in values) >= 2 for _n, values in series
    )
    plot = HorizontalLineChart() if line else VerticalBarChart()
    plot.x, plot.y = 14 * mm, 14 * mm
    plot.width, plot.height = WIDTH - 20 * mm, height - 10 * mm
    # A missing value is a gap in a line (a week a cohort has not reached yet) and no bar.
    missing = None if line else 0
    plot.data = [
        [v if isinstance(v, int | float) else missing for v in values] for _n, values in series
    ]
    plot.categoryAxis.categoryNames = [_short(label) for label in chart.labels]
    plot.categoryAxis.labels.fontName = font
    plot.categoryAxis.labels.fontSize = 6
    if len(chart.labels) > 6:
        plot.categoryAxis.labels.angle = 30
        plot.categoryAxis.labels.boxAnchor = "ne"
    plot.valueAxis.labels.fontName = font
    plot.valueAxis.labels.fontSize = 7
    plot.valueAxis.valueMin = 0
    if chart.percent:
        plot.valueAxis.valueMax = 100
    for i in range(len(series)):
        color = colors.HexColor(PALETTE[i % len(PALETTE)])
        if line:
            plot.lines[i].strokeColor = color
            plot.lines[i].strokeWidth = 1.5
        else:
            plot.bars[i].fillColor = color
    drawing.add(plot)
    if len(series) > 1:
        legend = Legend()
        legend.x, legend.y = 14 * mm, height + 8 * mm
        legend.fontName, legend.fontSize = font, 7
        legend.columnMaximum = 1
        legend.alignment = "right"
        legend.deltax = 60 * mm
        legend.colorNamePairs = [
            (colors.HexColor(PALETTE[i % len(PALETTE)]), str(name))
            for i, (name, _v) in enumerate(series)
        ]
        drawing.add(legend)
    return drawing


def _table(chart: Chart, styles) -> Table:
    cell = styles["cell"]
    header = [chart.label_heading, *(name for name, _values in chart.series)]
    rows = [[Paragraph(_text(v), cell) for v in header]]
    rows += [[Paragraph(_text(v), cell) for v in row] for row in chart.rows()]
    table = Table(rows, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        [
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    return table


def _figures(headline: list[tuple[str, object]], styles, bold: str):
    if not headline:
        return Paragraph(escape(_("No data yet.")), styles["body"])
    figures = Table(
        [[Paragraph(_text(label), styles["body"]), _text(value)] for label, value in headline],
        colWidths=[WIDTH * 0.7, WIDTH * 0.3],
        hAlign="LEFT",
    )
    figures.setStyle(
        [
            ("FONTNAME", (1, 0), (1, -1), bold),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
        ]
    )
    return figures


def story(
    title: str,
    scope_text: str,
    headline: list[tuple[str, object]],
    charts: list[Chart],
    today: date,
    fonts: tuple[str, str] = ("Helvetica", "Helvetica-Bold"),
) -> list:
    """The report's flowables, in reading order."""
    regular, bold = fonts
    styles = _styles(regular, bold)
    story = [
        Paragraph(escape(title), styles["title"]),
        Paragraph(
            escape(scope_text)
            + " "
            + escape(_("Figures as of %(day)s.") % {"day": date_format(today, "DATE_FORMAT")}),
            styles["body"],
        ),
        Spacer(1, 4 * mm),
        Paragraph(escape(_("Headline figures")), styles["h2"]),
    ]
    story += [_figures(headline, styles, bold), Paragraph(escape(_("Charts")), styles["h2"])]
    for chart in charts:
        drawing = _drawing(chart, regular)
        heading = Paragraph(_text(chart.title), styles["h3"])
        if drawing is None:
            story.append(
                KeepTogether([heading, Paragraph(escape(_("No data yet.")), styles["body"])])
            )
            continue
        story += [KeepTogether([heading, drawing]), _table(chart, styles), Spacer(1, 6 * mm)]
    return story


def report_pdf(
    program_name: str,
    scope_text: str,
    headline: list[tuple[str, object]],
    charts: list[Chart],
    today: date,
) -> bytes:
    title = _("%(program)s: program report") % {"program": program_name}
    flowables = story(title, scope_text, headline, charts, today, _fonts())
    out = BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author="Lodestar",
    )
    document.build(flowables)
    return out.getvalue()
