answer = "B"   # 01.4 — beta > 0: for past keys j - i < 0, so beta * (j - i) <= 0 and falls with distance
