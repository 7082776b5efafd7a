# 05.4 — D2: an ALiBi-style fixed linear bias (no parameters, extrapolates)
answer = "C"
