// The ticket page follows its own live feed (/t/{token}/live, server/realtime/ticket_feed.py):
// each message is the ticket's whole public view; the parts that change are drawn again with
// the texts the server gave (gq-config), so both draw alike. Reconnects by itself (back-off
// 0.5 s … 8 s, at once when the page is shown again) and says when it is not live.
(function () {
  "use strict";
  var C = JSON.parse(document.getElementById("gq-config").textContent);
  var T = C.texts;
  var view = C.view;
  var first = view;
  var live = { connected: false, reconnects: 0, messages: 0, view: view };
  window.gqLive = live; // for diagnostics and the browser tests
  var ws = null;
  var failures = 0;
  var heard = 0;
  var timer = null;
  var stopped = false;

  function $(id) { return document.getElementById(id); }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
  }
  function fill(t, o) {
    return t.replace(/\{(\w+)\}/g, function (_, k) { return o[k] === undefined ? "" : o[k]; });
  }
  function time(iso) {
    if (!iso) return "—";
    return new Date(iso).toLocaleTimeString("zh-CN", { timeZone: C.zone, hour12: false });
  }

  function headline(v) {
    if (v.status === "waiting") return esc(fill(T.waiting, { ahead: v.ahead }));
    if ((v.status === "called" || v.status === "serving") && v.window_number)
      return esc(fill(T[v.status], { window: v.window_number }));
    if (v.status === "transferred" && v.transferred_to_number)
      return esc(fill(T.transferred, { number: v.transferred_to_number }));
    return esc(v.status_text);
  }

  function rows(v) {
    var r = [];
    if (v.ahead !== null) r.push([T.ahead, fill(T.ahead_value, { ahead: v.ahead })]);
    if (v.estimated_wait_minutes !== null)
      r.push([T.wait, fill(T.wait_value, { minutes: v.estimated_wait_minutes })]);
    r.push([T.issued, time(v.issued_at)]);
    if (v.called_at) r.push([T.called_at, time(v.called_at)]);
    r.push([T.state, v.status_text]);
    return r.map(function (x) { return "<dt>" + esc(x[0]) + "</dt><dd>" + esc(x[1]) + "</dd>"; }).join("");
  }

  function draw(v, at) {
    var h = $("headline");
    h.className = "status " + v.status;
    h.innerHTML = headline(v);
    $("rows").innerHTML = rows(v);
    $("footer").textContent = fill(T.updated, { time: time(at || new Date().toISOString()) });
    document.title = fill(T.title, { number: v.number });
    if (window.gqNudge) window.gqNudge(v);
  }

  function conn(on, text) {
    var el = $("conn");
    el.hidden = false;
    el.className = on ? "conn" : "conn off";
    el.textContent = text;
  }

  function received(v, at) {
    var before = view;
    view = v;
    live.view = v;
    live.messages += 1;
    // finished (or rated elsewhere): the server draws the rating part — load it once
    if ((v.status === "done" && first.status !== "done") || v.evaluated !== first.evaluated) {
      stopped = true;
      location.reload();
      return;
    }
    if (JSON.stringify(before) !== JSON.stringify(v) || live.messages === 1) draw(v, at);
  }

  function connect() {
    timer = null;
    if (stopped) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + location.host + "/t/" + encodeURIComponent(C.token) + "/live";
    try { ws = new WebSocket(url); } catch (e) { return retry(); }
    ws.onopen = function () { heard = Date.now(); };
    ws.onmessage = function (m) {
      heard = Date.now();
      var msg;
      try { msg = JSON.parse(m.data); } catch (e) { return; }
      if (msg.type === "ticket") {
        failures = 0;
        live.connected = true;
        conn(true, T.live);
        received(msg.data, msg.at);
      } else if (msg.type === "error" && (msg.code === "gone" || msg.code === "not_found")) {
        stopped = true;
        conn(false, msg.detail);
      }
    };
    ws.onclose = function () {
      ws = null;
      live.connected = false;
      if (!stopped) retry();
    };
  }

  function retry() {
    if (timer || stopped) return;
    conn(false, T.offline);
    failures += 1;
    live.reconnects += 1;
    var wait = Math.min(8000, 500 * Math.pow(2, failures - 1));
    timer = setTimeout(connect, wait * (0.8 + Math.random() * 0.4));
  }

  // a connection that went quiet (a phone network drops it without a word): ping every 20 s,
  // and start again when nothing came back for 50 s
  setInterval(function () {
    if (!ws || ws.readyState !== 1) return;
    if (Date.now() - heard > 50000) { ws.close(); return; }
    try { ws.send('{"type":"ping"}'); } catch (e) { /* closing */ }
  }, 20000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && !ws && timer && !stopped) {
      clearTimeout(timer);
      connect();
    }
  });

  // the page is being left (a rating form sent, a link followed): no more redrawing
  function leaving() {
    stopped = true;
    if (timer) clearTimeout(timer);
    if (ws) ws.close();
  }
  document.addEventListener("submit", leaving);
  window.addEventListener("pagehide", leaving);
  window.addEventListener("pageshow", function (e) {
    if (e.persisted) { stopped = false; failures = 0; connect(); } // back from the page cache
  });

  conn(false, T.connecting);
  connect();
})();
