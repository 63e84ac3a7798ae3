"""People metrics: pulse surveys, eNPS, 1:1 meetings, and sales × people (METRICS.md 5-6).

* ``survey`` — eNPS with its margin of error, pulse questions, trends, breakdowns and comments per wave,
  with the anonymity threshold applied to every number;
* ``one_on_ones`` — 1:1 cadence: days since the last meeting, median intervals, overdue people;
* ``sales_people`` — a team's eNPS beside the same team's win rate and velocity.

People metrics import the store (and, for ``sales_people``, the sales metrics), never the importer.
"""
