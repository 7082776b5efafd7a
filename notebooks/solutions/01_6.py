answer = "B"   # 01.6 — the bias is <= 0 and becomes more negative with distance
