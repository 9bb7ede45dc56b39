-- wrk script for the batch line of the ingest benchmark: POST /v1/events/form/batch with ten
-- ~600-byte form submissions, each with its own submission_id (its dedup key), as SDKs and
-- importers send them. The token comes from the environment.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local run

function init(args)
  run = os.getenv("SALESFLOW_BENCH_RUN") .. "-" .. tid
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("SALESFLOW_BENCH_TOKEN")
end

local item = [[{"submission_id":"%s","form_id":"contact-sales","page_url":"https://www.example-saas.com/pricing?plan=enterprise","submitted_at":"2026-11-24T14:12:09Z","fields":{"Work Email":"dana.okafor@northwind-logistics.com","First Name":"Dana","Last Name":"Okafor","Company":"Northwind Logistics","Phone":"+1 312 555 0142","Team size":"250-500","Message":"We're evaluating tools to replace our spreadsheet-based lead routing before Q1. Need SSO and an audit trail. Can we get pricing for ~40 seats and a demo next week?"}}]]

function request()
  local items = {}
  for i = 1, 10 do
    counter = counter + 1
    items[i] = string.format(item, "bench-" .. run .. "-" .. counter)
  end
  return wrk.format(nil, "/v1/events/form/batch", nil, "[" .. table.concat(items, ",") .. "]")
end
