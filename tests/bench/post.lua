-- wrk script for the ingest benchmark: every request is a new event (unique Idempotency-Key),
-- a realistic ~600-byte web-form submission. The token comes from the environment.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local prefix

function init(args)
  thread_id = tid
  prefix = "bench-" .. os.getenv("SALESFLOW_BENCH_RUN") .. "-" .. thread_id .. "-"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("SALESFLOW_BENCH_TOKEN")
end

local body = [[{"form_id":"contact-sales","page_url":"https://www.example-saas.com/pricing?plan=enterprise","submitted_at":"2026-11-24T14:12:09Z","fields":{"Work Email":"dana.okafor@northwind-logistics.com","First Name":"Dana","Last Name":"Okafor","Company":"Northwind Logistics","Phone":"+1 312 555 0142","Team size":"250-500","Message":"We're evaluating tools to replace our spreadsheet-based lead routing before Q1. Need SSO and an audit trail. Can we get pricing for ~40 seats and a demo next week?"}}]]

function request()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = prefix .. counter
  return wrk.format(nil, "/v1/events/form", nil, body)
end
