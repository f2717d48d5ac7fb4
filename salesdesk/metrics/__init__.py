"""Sales metrics: defined once (METRICS.md), computed in SQL, for any period and scope."""
