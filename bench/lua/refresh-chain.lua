-- POST /api/token/refresh/ with rotation: every request spends a refresh token exactly once.
--
-- Each thread starts from its share of a pool of refresh tokens ($BENCH_POOL_FILE, one per line,
-- minted by logging in; at least one per connection) and keeps a FIFO: a request takes the oldest
-- unused token, a 200 response puts its rotated `refresh` back. So the pool stays the same size,
-- every token is used once, and each server only ever sees tokens it minted itself, exactly as a
-- real client would chain them. A failed response loses its token; if the FIFO runs dry the last
-- token is sent again, the server refuses it and wrk counts the non-2xx, so failures show.
local report = dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
local next_index = 0
local pool, head, tail, last = {}, 1, 0, ""

function setup(thread)
  thread:set("thread_index", next_index)
  next_index = next_index + 1
end

function init(args)
  local n = 0
  for line in io.lines(os.getenv("BENCH_POOL_FILE")) do
    if line ~= "" then
      if n % threads == thread_index then
        tail = tail + 1
        pool[tail] = line
      end
      n = n + 1
    end
  end
end

function request()
  if head <= tail then
    last = pool[head]
    pool[head] = nil
    head = head + 1
  end
  return wrk.format(nil, nil, nil, '{"refresh":"' .. last .. '"}')
end

function response(status, headers, body)
  if status == 200 then
    local token = body:match('"refresh"%s*:%s*"([^"]+)"')
    if token then
      tail = tail + 1
      pool[tail] = token
    end
  end
end

done = report.done
