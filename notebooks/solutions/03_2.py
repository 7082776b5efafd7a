answer = "B"   # 03.2 — geometric: each slope is the previous times 2^(-8/n)
