-- wrk script for `npm run bench:list` (bench/list.ts runs it): each wrk thread is one signed-in
-- client with one connection (wrk -t N -c N), so requests and answers of a client follow each
-- other and the client can page with the cursor of its previous answer, as the mailbox does.
--
-- Arguments (after `--`): the file with one Cookie header per line (line i is thread i's), the
-- folder, and how many items a full page has. At the end it prints one line that bench/list.ts
-- reads: `LIST-WRK {json}` with the latency percentiles (µs), the request count and what failed.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

function init(args)
  local file = assert(io.open(args[1], "r"))
  local line = 0
  for text in file:lines() do
    line = line + 1
    if line == id then cookie = text end
  end
  file:close()
  assert(cookie, "no cookie for client " .. id)
  folder = args[2] or "inbox"
  pageSize = tonumber(args[3] or "50")
  cursor = nil
  failed = 0 -- answers other than 200
  short = 0 -- 200 answers with fewer items than a page, before the last page
  pages = 0
end

function request()
  local input = '{"folder":"' .. folder .. '"'
  if cursor then input = input .. ',"cursor":"' .. cursor .. '"' end
  return wrk.format("GET", "/api/trpc/mail.list?input=" .. urlencode(input .. "}"), { Cookie = cookie })
end

function response(status, headers, body)
  pages = pages + 1
  if status ~= 200 then
    failed = failed + 1
    cursor = nil
    return
  end
  local items, from = 0, 1
  while true do
    local at = body:find('"summary":', from, true)
    if not at then break end
    items = items + 1
    from = at + 10
  end
  -- The last page of the folder has no cursor: start again from the newest page.
  cursor = body:match('"nextCursor":"([^"]+)"')
  if cursor and items ~= pageSize then short = short + 1 end
end

function done(summary, latency, requests)
  local failedTotal, shortTotal = 0, 0
  for _, thread in ipairs(threads) do
    failedTotal = failedTotal + (thread:get("failed") or 0)
    shortTotal = shortTotal + (thread:get("short") or 0)
  end
  io.write(string.format(
    'LIST-WRK {"requests":%d,"durationUs":%d,"p50":%d,"p95":%d,"p99":%d,"max":%d,"failed":%d,"short":%d,"socketErrors":%d,"timeouts":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    failedTotal, shortTotal, summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout
  ))
end
