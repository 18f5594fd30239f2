-- GET with `Authorization: Bearer <token>`, cycling through every token of $BENCH_TOKENS_FILE
-- (one a line; 1,000 distinct valid access tokens), so that no one-token cache helps.
--
-- Every request is formatted ONCE, in init(), and request() only returns the next prepared
-- string: calling wrk.format per request caps wrk near 20k requests/s on one core, and the
-- bench would then measure wrk instead of the server.
local report = dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

local prepared, count, index = {}, 0, 0

function init(args)
  for token in io.lines(os.getenv("BENCH_TOKENS_FILE")) do
    if token ~= "" then
      count = count + 1
      prepared[count] = wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. token }, nil)
    end
  end
  if count == 0 then error("no tokens in " .. os.getenv("BENCH_TOKENS_FILE")) end
end

function request()
  index = index % count + 1
  return prepared[index]
end

done = report.done
