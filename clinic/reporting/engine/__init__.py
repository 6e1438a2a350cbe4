"""The score engine: maintained aggregates, the city's score from them, cached per version.

- ``hooks``: session hooks that keep ``innovation_scores`` and ``cycle_scores`` right in the
  transaction of every change that moves them (``settle()`` to read them mid-transaction);
- ``store``: the SQL that scores innovations from their rows, writes and checks aggregates;
- ``city``: ``city_score(cycle)``, both projections and the ranked fixes from the aggregates.

The arithmetic stays in clinic.reporting.scoring (and .gains for what a change would add).
"""
from clinic.reporting.engine.city import CityScore, city_score, rules_of  # noqa: F401
from clinic.reporting.engine.hooks import settle  # noqa: F401
