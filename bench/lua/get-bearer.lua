-- GET with `Authorization: Bearer $BENCH_TOKEN` (a valid access token minted for this server).
local report = dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")

done = report.done
