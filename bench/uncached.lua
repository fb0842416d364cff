-- Every request a URL of its own (an extra, ignored query parameter), so no response
-- comes from the shared cache: what rendering the endpoint costs.
local created = 0
function setup(thread)
  created = created + 1
  thread:set("tid", created)
end

local counter = 0
request = function()
  counter = counter + 1
  local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
  local path = wrk.path .. separator .. "bench_nocache=" .. tostring(tid) .. "-" .. counter
  return wrk.format(nil, path)
end

dofile("bench/report.lua")
