-- wrk script of `reflect-bench load`: every request saves one answer of one respondent, as the
-- questionnaire page does (POST /api/save_answer), going round the respondents and their items.
-- The respondents' tokens and the items come from the file named by REFLECT_LOAD_TOKENS; with
-- REFLECT_LOAD_PAGE set, every request instead renders that questionnaire page (GET).
dofile(os.getenv("REFLECT_LOAD_TOKENS"))
local page = os.getenv("REFLECT_LOAD_PAGE")
local threads = {}
local counter = 0

function setup(thread)
  thread:set("offset", #threads * 7919)
  table.insert(threads, thread)
end

function init(args)
  counter = offset
  statuses = {}
end

function request()
  if page and page ~= "" then
    return wrk.format("GET", page, { ["Accept"] = "text/html" })
  end
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  local item = items[(math.floor(counter / #tokens) % #items) + 1]
  local body = "token=" .. token .. "&item=" .. item .. "&value=" .. tostring(counter % 5 + 1)
  return wrk.format("POST", "/api/save_answer", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
  }, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local by_status = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(by_status) do
    table.insert(parts, status .. ":" .. n)
  end
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d connect=%d read=%d write=%d timeout=%d non2xx=%d statuses=%s\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    summary.errors.status, table.concat(parts, ",")))
end
