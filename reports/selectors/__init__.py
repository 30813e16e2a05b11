"""Reads for the coverage reports, by topic: `rules` (who is in the audience, exempt, informed on D),
`coverage` (the figures), `people` (the people behind them), `snapshots`, `trend` (the dashboard's dates)."""
