# 06.8 — closing quiz, D, long sequences: a fixed penalty per step, no position table
answer = "B"
