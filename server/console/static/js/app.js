// The console's entry: which page (from the address), who is signed in, which hall.
import { html, render } from "../vendor/preact-htm-3.1.1.js";
import { ApiError, api, toLogin } from "./api.js";
import { T } from "./texts.js";
import { Frame, chosenHall, loadHalls } from "./ui.js";
import { LoginPage } from "./pages/login.js";
import { PasswordPage } from "./pages/password.js";

const PAGES = {
  overview: () => import("./pages/overview.js").then((m) => m.OverviewPage),
  stats: () => import("./pages/stats.js").then((m) => m.StatsPage),
  rectifications: () => import("./pages/rectifications.js").then((m) => m.RectificationsPage),
  complaints: () => import("./pages/complaints.js").then((m) => m.ComplaintsPage),
  platform: () => import("./pages/platform.js").then((m) => m.PlatformPage),
  sms: () => import("./pages/platform.js").then((m) => m.SmsPage),
  appointments: () => import("./pages/appointments.js").then((m) => m.AppointmentsPage),
  settings: () => import("./pages/settings.js").then((m) => m.SettingsPage),
};
// Pages that can show several halls side by side (an admin of the whole deployment).
const COMPARE = new Set(["stats", "rectifications", "complaints"]);

async function boot() {
  const root = document.getElementById("app");
  root.textContent = ""; // the shell's "正在加载…"
  const page = document.body.dataset.page;
  if (page === "login") {
    render(html`<${LoginPage} />`, root);
    return;
  }
  let user;
  try {
    user = await api("GET", "/auth/session", undefined, { redirectOn401: false });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return toLogin();
    root.textContent = err.detail || T.networkError;
    return;
  }
  if (user.must_change_password && page !== "password") {
    // a first password (or an administrator's reset): nothing else until it is changed
    const back = location.pathname + location.search;
    location.assign(`/console/password?next=${encodeURIComponent(back)}`);
    return;
  }
  if (page === "password") {
    render(html`<${PasswordPage} user=${user} />`, root);
    return;
  }
  const halls = await loadHalls(user);
  let hallId = chosenHall(user);
  if (hallId === "all" && !COMPARE.has(page)) hallId = null;
  if (hallId === null && halls.length && !(user.role === "admin" && COMPARE.has(page))) {
    hallId = halls[0].id;
  }
  if (hallId === null && user.role === "admin" && user.hall_id === null && COMPARE.has(page)) {
    hallId = "all";
  }
  const hall = halls.find((h) => h.id === hallId) || (typeof hallId === "number" ? { id: hallId, name: "", timezone: "Asia/Shanghai" } : null);
  const Page = await PAGES[page]();
  render(
    html`<${Frame} user=${user} page=${page} halls=${halls} hallId=${hallId} allowAll=${COMPARE.has(page)}>
      <${Page} user=${user} hall=${hall} hallId=${hallId} halls=${halls} />
    <//>`,
    root,
  );
}

boot();
