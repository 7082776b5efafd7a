answer = "B"   # 03.7 — it grows with k and its ratios are not constant
