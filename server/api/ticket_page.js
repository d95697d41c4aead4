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
    if (v.rejoined) r.push([T.rejoined, T.rejoined_value]);
    return r.map(function (x) { return "<dt>" + esc(x[0]) + "</dt><dd>" + esc(x[1]) + "</dd>"; }).join("");
  }

  function draw(v, at) {
    var h = $("headline");
    h.className = "status " + v.status;
    h.innerHTML = headline(v);
    $("rows").innerHTML = rows(v);
    $("footer").textContent = fill(T.updated, { time: time(at || new Date().toISOString()) });
    nudge(v, false);
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
    // finished (or rated elsewhere), or passed (过号): the server draws the rating or the
    // 重新排队 part — load it once
    var missed = v.status === "no_show" && before.status !== "no_show";
    if ((v.status === "done" && first.status !== "done") || v.evaluated !== first.evaluated || missed) {
      stopped = true;
      location.reload();
      return;
    }
    var rejoin = $("rejoin");
    if (rejoin && before.status === "no_show" && v.status !== "no_show")
      rejoin.parentNode.removeChild(rejoin); // back in the queue (the window's 过号重排)
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

  // --- 到号提醒: at the hall's N ahead and when called, a banner and the title; after the
  // holder tapped 点击开启到号提醒 (browsers allow sound and vibration only after a tap) also
  // vibration, a short sound made here (no file to load) and a notification where granted
  var stage = null;
  var reminding = false;
  var audio = null;
  live.alerts = [];

  function stageOf(v) {
    if (v.status === "called") return "called:" + v.recall_count;
    if (v.status === "waiting" && v.notify_ahead > 0 && v.ahead !== null && v.ahead <= v.notify_ahead)
      return "near";
    return null;
  }

  function nudge(v, initial) {
    var s = stageOf(v);
    var b = $("banner");
    var called = s !== null && s !== "near";
    if (s === null) {
      b.hidden = true;
      document.title = fill(T.title, { number: v.number });
    } else {
      b.className = called ? "banner called" : "banner near";
      b.textContent = called
        ? fill(T.now, { window: v.window_number })
        : v.ahead === 0 ? T.near0 : fill(T.near, { ahead: v.ahead });
      b.hidden = false;
      document.title = called
        ? fill(T.title_called, { window: v.window_number, number: v.number })
        : fill(T.title_near, { number: v.number, ahead: v.ahead });
    }
    var waiting = v.status === "waiting" || v.status === "called";
    $("remind").hidden = !waiting;
    $("remind-hint").hidden = !waiting;
    if (s !== null && s !== stage && !initial) alarm(called, b.textContent);
    stage = s;
  }

  function alarm(called, text) {
    var done = { called: called, vibrated: false, sounded: false, notified: false };
    live.alerts.push(done);
    if (!reminding) return;
    if (navigator.vibrate) done.vibrated = navigator.vibrate(called ? [400, 150, 400, 150, 400] : [300]);
    done.sounded = beep(called ? 3 : 1);
    if (window.Notification && Notification.permission === "granted") {
      try {
        new Notification(document.title, { body: text, tag: "gq-ticket", renotify: true });
        done.notified = true;
      } catch (e) { /* Android's Chrome shows notifications only through a service worker */ }
    }
  }

  function beep(times) {
    if (!audio) return false;
    try {
      var t = audio.currentTime + 0.05;
      for (var i = 0; i < times; i++) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.3, t + i * 0.4);
        gain.gain.exponentialRampToValueAtTime(0.001, t + i * 0.4 + 0.3);
        osc.connect(gain);
        gain.connect(audio.destination);
        osc.start(t + i * 0.4);
        osc.stop(t + i * 0.4 + 0.32);
      }
      return true;
    } catch (e) { return false; }
  }

  $("remind").addEventListener("click", function () {
    reminding = true;
    live.reminding = true;
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (Ctx && !audio) audio = new Ctx();
      if (audio && audio.resume) audio.resume();
    } catch (e) { audio = null; }
    if (navigator.vibrate) navigator.vibrate(60);
    beep(1); // a tap's confirmation: the sound works
    if (window.Notification && Notification.permission === "default") {
      try { Notification.requestPermission(); } catch (e) { /* old API */ }
    }
    var button = $("remind");
    button.className = "remind on";
    button.textContent = T.remind_on;
  });

  nudge(view, true);
  conn(false, T.connecting);
  connect();
})();
