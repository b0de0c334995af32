-- wrk script for the quiz-answer phase of `make bench` (stressed/bench/drivers.py).
-- The driver appends a `plans` table: one entry per student, with the student's cookies,
-- CSRF token and answers ({path, body} in order). Each wrk thread is one student with one
-- connection: it sends its answers in order, optionally pausing between them, and stops after
-- the last reply. A student moves on to its next answer only when a reply comes: wrk calls
-- request() once before connecting (to check the request parses), and that answer must still
-- be sent. done() prints every student's replies, so the driver can check each answer against
-- the database.

local created = 0
local threads = {}

function setup(thread)
  created = created + 1
  thread:set("student", created)
  table.insert(threads, thread)
end

function init(args)
  plan = plans[student]
  think_ms = tonumber(args[1]) or 0
  math.randomseed(student) -- each student pauses differently, the same on every run
  statuses = {}
  headers = {
    ["Cookie"] = plan.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-CSRFToken"] = plan.token,
    ["HX-Request"] = "true",
    ["Referer"] = plan.referer,
  }
end

function delay()
  if #statuses == 0 or think_ms == 0 then
    return 0
  end
  return math.random(0, 2 * think_ms)
end

function request()
  local answer = plan.answers[#statuses + 1]
  return wrk.format("POST", answer[1], headers, answer[2])
end

function response(status, headers, body)
  statuses[#statuses + 1] = status
  if #statuses == #plan.answers then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local got = thread:get("statuses")
    io.write(string.format("STUDENT %d STATUSES %s\n", thread:get("student"),
      table.concat(got, ",")))
  end
end
