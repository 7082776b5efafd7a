# 04.3 — E2: tiny beta ~ no position signal (uniform); huge beta ~ only the current token
answer = "A"
