"""Reports and audit packs.

- ``build.prepare_report(ws, filters, key=...)`` -> ``data.ReportData``: the figures (with the
  previous period), the tables and the chart data, built once; pseudonymized by ``privacy`` when a
  ``pseudonymize.PseudonymKey`` is given (the key lives in the OS keyring, ``workbench.secrets``).
- ``formats.FORMATS``: the renderers by format (``render_html``, ``render_pdf``, ``render_xlsx``,
  ``render_csv``); charts are drawn by ``charts`` (matplotlib, no display); every value leaves
  through ``safe`` (escaped HTML, spreadsheet cells that never start a formula).
- ``pack``: audit packs (.wbpack) with a manifest of hashes, and their verification.
"""
