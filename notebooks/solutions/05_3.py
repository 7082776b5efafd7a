# 05.3 — D1: a fixed, rule-based penalty on relative distance; no table, no maximum length
answer = "B"
