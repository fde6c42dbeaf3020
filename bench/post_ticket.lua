-- wrk script for bench/run: POSTs realistic tickets (about 1 KB of JSON) with texts rotating
-- over the public samples, built like bench_support.h's make_ticket(): sample i's subject, its
-- body plus sample i+1's as earlier history, a complete requester and the fields every
-- template of the example rules asks for, so most tickets are accepted with 201.
--
--   wrk -t2 -c64 -d10s --latency -s bench/post_ticket.lua URL -- MODE SAMPLES.jsonl [REQUESTERS [TAG]]
--
-- MODE: "post" (default) POSTs tickets to URL; "get" sends GETs to URL (the static baseline,
-- e.g. /healthz). REQUESTERS "unique" gives every ticket a requester of its own (an email no
-- other request uses) instead of the six people below, for bench/cluster's runs without shared
-- requester profiles; TAG (after it) keeps two wrk processes' emails apart. Any answer outside 2xx counts as an error. At the end one line
-- "WRK_JSON {...}" gives requests, rate, p50/p99/p99.9 latency and errors for bench/run.

local mode = "post"
local unique_requesters = false
local tag = ""
local sent = 0
local bodies = {}
local threads = {}
local thread_count = 0

-- The JSON string value of `key` in `line`, still escaped (so it can be pasted into JSON as
-- is); nil if absent.
local function json_string(line, key)
  local _, last = line:find('"' .. key .. '"%s*:%s*"')
  if not last then return nil end
  local i = last + 1
  while i <= #line do
    local c = line:sub(i, i)
    if c == "\\" then
      i = i + 2
    elseif c == '"' then
      return line:sub(last + 1, i - 1)
    else
      i = i + 1
    end
  end
  return nil
end

local people = {
  {"Анна Петрова", "anna.petrova@example.ru", "+7 916 204-37-81"},
  {"Иван Смирнов", "ivan.smirnov@example.com", "+7 903 118-42-07"},
  {"Ирина Соколова", "irina@example.com", "+7 925 640-11-93"},
  {"Дмитрий Кузнецов", "d.kuznetsov@example.org", "8 (812) 337-25-60"},
  {"Ольга Васильева", "olga.v@example.ru", "+7 977 502-88-14"},
  {"Сергей Морозов", "morozov.s@example.net", "+7 985 730-64-29"},
}
local products = {
  "Амброксол сироп 100 мл", "Тонометр автоматический", "Нурофен 200 мг №20",
  "Витамин D3 2000 МЕ", "Термометр электронный", "Ингалятор компрессорный",
}

local function load_samples(path)
  local samples = {}
  local file = io.open(path, "r")
  if file then
    for line in file:lines() do
      local subject, body = json_string(line, "subject"), json_string(line, "body")
      if subject and body then
        table.insert(samples, {subject = subject, body = body, channel = json_string(line, "channel") or "web"})
      end
    end
    file:close()
  end
  if #samples == 0 then
    io.stderr:write("post_ticket.lua: no samples at " .. tostring(path) .. ", using one built-in text\n")
    samples = {{subject = "Курьер не приехал", channel = "web",
                body = "Заказ 40718263 так и не привезли, курьер не звонил. Ждала весь день дома."}}
  end
  return samples
end

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  mode = args[1] or "post"
  unique_requesters = args[3] == "unique"
  tag = args[4] or ""
  errors = 0
  statuses = {}
  if mode ~= "post" then return end
  local samples = load_samples(args[2] or "../shared/samples/eshop-ru/tickets.public.jsonl")
  -- Enough bodies that sample, person and product combine differently (0-based i as in C++).
  for i = 0, #samples * #people - 1 do
    local s = samples[i % #samples + 1]
    local earlier = samples[(i + 1) % #samples + 1]
    local p = people[i % #people + 1]
    local order = 40000000 + (i * 7919) % 59999999
    table.insert(bodies, string.format(
      '{"subject": "%s", "body": "%s\\n\\nРанее писал(а): %s", ' ..
      '"requester": {"name": "%s", "email": "%s", "phone": "%s"}, ' ..
      '"fields": {"order_id": "%d", "product": "%s"}, "channel": "%s"}',
      s.subject, s.body, earlier.body, p[1], p[2], p[3], order, products[i % #products + 1], s.channel))
  end
  next_body = (id or 0) * 7 % #bodies
end

function request()
  if mode ~= "post" then return wrk.format("GET") end
  next_body = next_body % #bodies + 1
  local body = bodies[next_body]
  if unique_requesters then
    sent = sent + 1
    body = body:gsub('"requester": {[^}]*}', string.format(
      '"requester": {"name": "Client %s%d-%d", "email": "client-%s%d-%d@example.org"}', tag, id or 0, sent, tag,
      id or 0, sent))
  end
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    errors = errors + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("errors")
    for status, count in pairs(thread:get("statuses")) do
      by_status[#by_status + 1] = string.format('"%d": %d', status, count)
    end
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %.3f, "requests_per_s": %.1f, "ok_per_s": %.1f, ' ..
    '"p50_ms": %.3f, "p99_ms": %.3f, "p999_ms": %.3f, "max_ms": %.3f, "errors_non_2xx": %d, ' ..
    '"errors_socket": %d, "errors_timeout": %d, "non_2xx_by_status": {%s}}\n',
    summary.requests, seconds, summary.requests / seconds, (summary.requests - failed) / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000, failed, e.connect + e.read + e.write, e.timeout, table.concat(by_status, ", ")))
end
