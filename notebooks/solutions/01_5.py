answer = "B"   # 01.5 — a smooth recency bias
