"""Reports: the metrics put together for a reader outside the app.

* ``json_report`` — ``python -m analytics report --json`` (METRICS.md 7), one JSON-ready dict;
* ``deals_section`` — the ``deals`` object of that report; ``calls_section`` — its ``forecast_calls`` object;
* ``weekly_review`` — the Excel workbook for the weekly forecast call;
* ``exports`` — CSV and Excel bytes of any table, with spreadsheet formulas neutralised.

Reports import the metrics and the store; nothing in ``analytics`` imports a report.
"""
