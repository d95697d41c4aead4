-- wrk script: each wrk thread (one connection each: run with -tN -cN) is one window's clerk,
-- going round call-next -> start -> finish as fast as the server answers.
-- usage: wrk -t8 -c8 -d5s -s window_cycle.lua URL -- WINDOW_IDS TOKENS   (comma-separated, same order)
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local function split(s)
  local out = {}
  for part in string.gmatch(s, "[^,]+") do table.insert(out, part) end
  return out
end

function init(args)
  window = split(args[1])[id]
  headers = {
    ["Authorization"] = "Bearer " .. split(args[2])[id],
    ["Content-Type"] = "application/json",
  }
  state, ticket = "call", nil
  cycles, errors, empty = 0, 0, 0
end

function request()
  if state == "call" then
    return wrk.format("POST", "/api/v1/windows/" .. window .. "/call-next", headers, "")
  elseif state == "start" then
    return wrk.format("POST", "/api/v1/tickets/" .. ticket .. "/start", headers, "")
  end
  return wrk.format("POST", "/api/v1/tickets/" .. ticket .. "/finish", headers, '{"outcome":"done"}')
end

function response(status, headers, body)
  if state == "call" then
    if status == 200 then
      ticket = string.match(body, '"id":(%d+)')
      state = "start"
    elseif status == 204 then
      empty = empty + 1
    else
      errors = errors + 1
    end
  elseif state == "start" then
    if status == 200 then state = "finish" else errors = errors + 1; state = "call" end
  else
    if status == 200 then cycles = cycles + 1 else errors = errors + 1 end
    state = "call"
  end
end

function done(summary, latency, requests)
  local c, e, m = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("cycles")
    e = e + t:get("errors")
    m = m + t:get("empty")
  end
  io.write(string.format("CYCLES %d ERRORS %d EMPTY %d\n", c, e, m))
end
