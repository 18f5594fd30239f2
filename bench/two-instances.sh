#!/usr/bin/env bash
# 2 instances against 1 on one PostgreSQL schema: GET /protected/ and POST /api/token/refresh/ (no rotation).
set -u
cd "$(dirname "$0")/.."
SCHEMA=tessera_scale_$$
export NODE_ENV=production TESSERA_SECRET_KEY=scale-Q3Jx9-Lw2vTz8Hk4Nf7Rb1Yc6Md0Pa5Se-Ug-zz TESSERA_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test?schema=$SCHEMA" TESSERA_THROTTLE_LOGIN_IP=off
node dist/cli/main.js migrate >/dev/null
TESSERA_SUPERUSER_PASSWORD=contrasenasegura node dist/cli/main.js createsuperuser --username kyoko --no-input >/dev/null
node dist/cli/main.js serve --port 8801 >/dev/null 2>&1 & A=$!
node dist/cli/main.js serve --port 8802 >/dev/null 2>&1 & B=$!
sleep 2
PAIR=$(curl -s -X POST localhost:8801/api/token/ -H 'Content-Type: application/json' -d '{"username":"kyoko","password":"contrasenasegura"}')
ACCESS=$(echo "$PAIR" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access"])')
REFRESH=$(echo "$PAIR" | python3 -c 'import json,sys; print(json.load(sys.stdin)["refresh"])')
printf 'wrk.method="POST"\nwrk.body=[[{"refresh":"%s"}]]\nwrk.headers["Content-Type"]="application/json"\n' "$REFRESH" > /tmp/refresh.lua
rps() { grep Requests/sec | awk '{print $2}'; }
for workload in protected refresh; do
  if [ $workload = protected ]; then args=(-H "Authorization: Bearer $ACCESS"); path=/protected/; else args=(-s /tmp/refresh.lua); path=/api/token/refresh/; fi
  wrk -t1 -c32 -d3s "${args[@]}" http://127.0.0.1:8801$path >/dev/null  # warm-up
  wrk -t1 -c32 -d3s "${args[@]}" http://127.0.0.1:8802$path >/dev/null
  one=$(wrk -t1 -c32 -d8s "${args[@]}" http://127.0.0.1:8801$path | rps)
  (wrk -t1 -c16 -d8s "${args[@]}" http://127.0.0.1:8801$path | rps > /tmp/a.rps) & W=$!; wrk -t1 -c16 -d8s "${args[@]}" http://127.0.0.1:8802$path | rps > /tmp/b.rps; wait $W
  two=$(python3 -c "print(round($(cat /tmp/a.rps)+$(cat /tmp/b.rps)))")
  echo "$workload: 1 instance $one req/s; 2 instances $two req/s"
done
kill $A $B; wait $A $B 2>/dev/null
psql -q -h 127.0.0.1 -U postgres -d test -c "drop schema $SCHEMA cascade" 2>/dev/null
