# 05.5 — D3: false; the rule holds at every length, which is why it generalises
answer = "B"
