"""Sales metrics: what the deals say, computed in DuckDB from the imported snapshots (METRICS.md 1-4).

Every function takes a connection from ``analytics.store`` and plain parameters, and returns a DataFrame
or a small dataclass. The modules, by question asked:

* ``scope`` — which deals a metric looks at (pipeline, owner, dates, as-of) and when each entered a stage;
  the conventions every sales metric shares are written at its top;
* ``deals`` — the state of every deal at a date (status, stage, amount in the reporting currency);
* ``funnel`` — how far the deals created in a period got, stage to stage;
* ``kpis`` — win rates, sales cycle, sales velocity and the headline tiles;
* ``stage_time`` — time spent in each stage, age of open deals in their stage;
* ``inventory`` — the open pipeline, stale and past-due deals, data hygiene, probability calibration;
* ``movement`` — what changed between two snapshots, slipped close dates, the weekly trend;
* ``forecast`` — the forecast by period with its range, categories, accuracy of past snapshots;
* ``scenarios`` — what-if arithmetic over the forecast, and saved scenarios;
* ``quotas`` — quotas per period and owner, and their coverage;
* ``priorities`` — what won deals have in common, a score, the ranked list of deals to work on;
* ``scorecards`` — per owner over a window: created, win rates, cycle, slips, stale share, pipeline needed.

Sales metrics import the store, never the importer.
"""
