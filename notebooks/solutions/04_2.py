# 04.2 — E1: a middle beta wins; refine near it on validation, confirm once on held-out data
answer = "B"
