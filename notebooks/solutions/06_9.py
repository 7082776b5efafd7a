# 06.9 — closing quiz, E, tuning beta: the peak is in the middle; refine on validation, confirm on held-out data
answer = "C"
