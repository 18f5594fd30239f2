-- POST of one fixed JSON body ($BENCH_BODY): token verify, refresh without rotation, login.
-- The request is formatted once by wrk (a static script), so the client costs nothing per request.
local report = dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"

done = report.done
