"""Benchmarks that print their numbers: `python -m alibi_edu.bench {widgets,attention,generate}`."""
