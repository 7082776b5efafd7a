# 06.10 — closing quiz, F: the largest slope gives the steepest penalty, the most local head
answer = "A"
