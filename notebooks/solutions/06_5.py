# 06.5 — closing quiz, A, the bias term: beta·(17 − 20) − beta·(11 − 20) = 6·beta in favour of the nearer key
answer = "A"
