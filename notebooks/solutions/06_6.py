# 06.6 — closing quiz, B, the complete formula: beta = sqrt(d)·m = 8 · 0.25
answer = "B"
