// A ticket is named as people know it: its number (A012) on a business day. Used where a
// person links something to a ticket (投诉, a rating taken by phone).
import { ApiError, get } from "./api.js";
import { T } from "./texts.js";

export async function findTicket(hallId, day, number) {
  const wanted = number.trim().toUpperCase();
  let after;
  for (;;) {
    const page = await get("/stats/tickets", { hall_id: hallId, from: day, to: day, limit: 2000, after });
    const hit = page.items.find((t) => t.number === wanted);
    if (hit) return hit;
    if (!page.next_after) break;
    after = page.next_after;
  }
  const err = new ApiError(422, { detail: T.comp.ticketMissing(day, wanted), code: "ticket_not_found" });
  err.fields = { ticket_number: err.detail };
  throw err;
}
