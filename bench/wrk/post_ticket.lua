-- wrk script: every request takes a ticket, as a kiosk does.
-- usage: wrk -t1 -c8 -d5s -s post_ticket.lua http://127.0.0.1:PORT -- KIOSK_TOKEN SERVICE_ID
function init(args)
  wrk.method = "POST"
  wrk.path = "/api/v1/tickets"
  wrk.body = '{"service_id":' .. args[2] .. '}'
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. args[1]
end
