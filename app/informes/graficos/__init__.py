"""The report's charts: defined once, laid out once, drawn for the web, the PDF and the ficha.

- `definicion`: what each chart shows, as plain data (kind, title, categories, series with
  their values and colours, axis labels), built by one function per chart from the report data.
- `dibujo`: the one engine, which lays a definition out as rectangles, lines and texts.
- `png`: that layout as a PNG for the web dashboard (Pillow).
- `app.informes.pdf.graficos`: the same layout as vector graphics in the PDF report and ficha.

Why one layout with two outputs rather than one library for both (the 49 charts of the
II Semestre 2020 report, measured side by side): matplotlib drew them as PNG in 4.4 s,
ReportLab's canvas as vector PDF in 0.07 s. A report must build in about a second, so the PDF
cannot go through matplotlib; ReportLab makes raster images only through a Cairo backend the
project does not install. So the layout is computed here once (0.01 s for all 49) and only its
last step — shapes onto a PDF canvas, or onto pixels (0.6 s for all 49) — is written twice.
"""
