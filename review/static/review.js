// The entry view, keyboard first: Tab or arrows move between fields, Enter accepts, c corrects,
// u marks unreadable, n goes to the next item, + and - zoom. The next item replaces this one without
// a full reload, and its crop is fetched ahead.
(function () {
  "use strict";
  let view = null;
  let zoom = 1;

  const $ = (selector, root) => (root || document).querySelector(selector);
  const csrf = () => $("#main").dataset.csrf || "";

  function init() {
    const item = $("#item");
    if (!item) return;
    view = {
      item, id: item.dataset.item, mode: item.dataset.mode, kind: item.dataset.kind,
      rows: Array.from(item.querySelectorAll(".field-row")), index: 0,
      decisions: {}, entry: "as_read", add: true, entryDecided: false, busy: false,
    };
    view.rows.forEach((row, i) => {
      row.addEventListener("focus", () => focusRow(i));
      row.addEventListener("click", () => row.focus());
    });
    item.querySelectorAll("[data-zoom]").forEach((b) => b.addEventListener("click", () => setZoom(zoom * (b.dataset.zoom === "1" ? 1.25 : 0.8))));
    const submit = $("#submit", item);
    if (submit) submit.addEventListener("click", send);
    const skip = $("#skip", item);
    if (skip) skip.addEventListener("click", next);
    const img = $("#crop", item);
    if (img) { if (img.complete) setZoom(zoom); else img.addEventListener("load", () => setZoom(zoom)); }
    const first = view.rows.findIndex((r) => r.dataset.flagged === "1");
    if (view.rows.length) view.rows[Math.max(first, 0)].focus();
    if (item.dataset.upcoming) { // preload the next item's crop
      view.preload = new Image();
      view.preload.src = "/items/" + item.dataset.upcoming + "/crop.png";
    }
    refresh();
  }

  function focusRow(i) {
    view.index = i;
    view.rows.forEach((r, j) => r.classList.toggle("focused", i === j));
    outline(view.rows[i]);
  }

  function scale() {
    const wrap = $("#crop-wrap");
    if (!wrap) return 1;
    const pane = wrap.parentElement.clientWidth || 800;
    return Math.min(1, pane / Number(wrap.dataset.w)) * zoom;
  }

  function setZoom(z) {
    zoom = Math.max(0.5, Math.min(6, z));
    const wrap = $("#crop-wrap"), img = $("#crop");
    if (!wrap || !img) return;
    const s = scale();
    img.style.width = Number(wrap.dataset.w) * s + "px";
    img.style.height = Number(wrap.dataset.h) * s + "px";
    $("#zoom-level").textContent = Math.round(zoom * 100) + " %";
    if (view && view.rows[view.index]) outline(view.rows[view.index]);
  }

  function outline(row) {
    const box = $("#outline");
    if (!box) return;
    if (!row || !row.dataset.box) { box.hidden = true; return; }
    const [x, y, w, h] = row.dataset.box.split(",").map(Number), s = scale();
    Object.assign(box.style, { left: x * s - 3 + "px", top: y * s - 3 + "px", width: w * s + 6 + "px", height: h * s + 6 + "px" });
    box.hidden = false;
    const scroller = box.closest(".crop-scroll");
    // Scroll only when the field is out of sight, so the entry's start stays in view when it can.
    if (scroller && (x * s < scroller.scrollLeft || (x + w) * s > scroller.scrollLeft + scroller.clientWidth)) {
      scroller.scrollLeft = Math.max(0, x * s - scroller.clientWidth / 3);
    }
  }

  function move(step) {
    if (!view.rows.length) return;
    const i = (view.index + step + view.rows.length) % view.rows.length;
    view.rows[i].focus();
  }

  function mark(row, text, kind) {
    const cell = $(".decision", row);
    cell.textContent = text;
    cell.className = "decision decided " + kind;
  }

  function pending() {
    return view.rows.filter((r) => r.dataset.flagged === "1" && !decided(r));
  }

  function decided(row) {
    return row.dataset.entry ? view.entryDecided : row.dataset.field in view.decisions;
  }

  function refresh() {
    const submit = $("#submit");
    if (submit) submit.disabled = view.mode === "readonly" || pending().length > 0 || view.busy;
  }

  function advance() {
    refresh();
    const left = pending();
    if (left.length) left[0].focus();
    else if ($("#submit")) $("#submit").focus();
  }

  function accept(row) {
    if (row.dataset.entry) {
      view.entryDecided = true;
      if (row.dataset.entry === "registry_only") { view.entry = "not_in_book"; mark(row, "✓ the book lacks it", "accept"); }
      else if (row.dataset.entry === "missing_in_registry") { view.add = true; mark(row, "✓ propose adding", "accept"); }
      else { view.entry = "as_read"; mark(row, "✓ as read", "accept"); }
    } else {
      view.decisions[row.dataset.field] = { action: "accept" };
      mark(row, "✓ accepted", "accept");
    }
    advance();
  }

  function other(row, key) {
    if (row.dataset.entry === "registry_only" && key === "h") {
      view.entryDecided = true; view.entry = "in_book"; mark(row, "the book has it", "correct"); advance();
    } else if (row.dataset.entry === "missing_in_registry" && key === "x") {
      view.entryDecided = true; view.add = false; mark(row, "✗ no proposal", "unreadable"); advance();
    }
  }

  function unreadable(row) {
    if (row.dataset.entry) return;
    view.decisions[row.dataset.field] = { action: "unreadable" };
    mark(row, "✗ unreadable", "unreadable");
    advance();
  }

  function correct(row) {
    if (row.dataset.entry) return;
    const cell = $(".decision", row);
    cell.textContent = "";
    const input = document.createElement("input");
    input.className = "correction";
    input.value = row.dataset.reading || "";
    input.setAttribute("aria-label", "What the book says");
    cell.appendChild(input);
    input.focus();
    input.select();
    input.addEventListener("keydown", (event) => {
      event.stopPropagation();
      if (event.key === "Enter") {
        event.preventDefault();
        const value = input.value.trim();
        if (!value) return;
        view.decisions[row.dataset.field] = { action: "correct", value };
        mark(row, "✎ " + value, "correct");
        row.focus();
        advance();
      } else if (event.key === "Escape") {
        event.preventDefault();
        delete view.decisions[row.dataset.field];
        cell.textContent = "";
        row.focus();
        refresh();
      }
    });
  }

  function say(text, bad) {
    const status = $("#status");
    status.textContent = text;
    status.classList.toggle("bad", !!bad);
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: body === undefined ? "{}" : JSON.stringify(body),
    });
    if (response.status === 401) { window.location.assign("/login"); throw new Error("signed out"); }
    return [response.status, await response.json()];
  }

  async function send() {
    if (view.busy || pending().length) return;
    view.busy = true; refresh();
    const note = $("#note") ? $("#note").value : "";
    const body = { fields: view.decisions, entry: view.entry, add_to_registry: view.add, note };
    const route = view.mode === "settle" ? "/settle" : "/decision";
    const batch = view.item.dataset.batch ? "?batch=" + view.item.dataset.batch : "";
    try {
      const [status, answer] = await post("/api/items/" + view.id + route + batch, body);
      if (status !== 200) { say(answer.error || "refused", true); view.busy = false; refresh(); return; }
      say(answer.state === "resolved" ? "Resolved." : answer.state === "disputed" ? "The two readings disagree: an arbiter will settle it." : "Saved; a second reader will read it too.");
      if (answer.next) await load(answer.next);
      else done();
    } catch (error) { say("Could not save: " + error.message, true); view.busy = false; refresh(); }
  }

  function done() {
    view.item.dataset.mode = "readonly";
    const queue = view.mode === "settle" ? "/arbiter" : "/queue";
    $("#item").innerHTML = '<h1>Nothing left</h1><p class="status" id="status">No more items for you here. <a href="' + queue + '">Back to the queue</a></p>';
  }

  async function next() {
    if (view.busy) return;
    const batch = view.item.dataset.batch ? "&batch=" + view.item.dataset.batch : "";
    if (view.mode === "review") await post("/api/items/" + view.id + "/release");
    const [, answer] = await post("/api/queue/next?after=" + view.id + batch);
    if (answer.item && String(answer.item) !== view.id) await load(answer.item); else done();
  }

  async function load(id) {
    const batch = view.item.dataset.batch ? "&batch=" + view.item.dataset.batch : "";
    const response = await fetch("/items/" + id + "?fragment=1" + batch, { credentials: "same-origin" });
    if (response.redirected && new URL(response.url).pathname === "/login") { window.location.assign("/login"); return; }
    const html = await response.text();
    const holder = document.createElement("div");
    holder.innerHTML = html;
    $("#item").replaceWith(holder.firstElementChild);
    history.pushState({ item: id }, "", "/items/" + id + (batch ? "?" + batch.slice(1) : ""));
    init();
  }

  document.addEventListener("keydown", (event) => {
    if (!view || event.target.tagName === "INPUT" || event.altKey || event.ctrlKey || event.metaKey) return;
    const row = view.rows[view.index];
    const onRow = event.target.classList && event.target.classList.contains("field-row");
    if (event.key === "ArrowDown" || (event.key === "Tab" && !event.shiftKey && onRow)) { event.preventDefault(); move(1); }
    else if (event.key === "ArrowUp" || (event.key === "Tab" && event.shiftKey && onRow)) { event.preventDefault(); move(-1); }
    else if (event.key === "+" || event.key === "=") setZoom(zoom * 1.25);
    else if (event.key === "-") setZoom(zoom * 0.8);
    else if (event.key === "n") { event.preventDefault(); next(); }
    else if (view.mode === "readonly" || !row || !onRow) return;
    else if (event.key === "Enter") { event.preventDefault(); accept(row); }
    else if (event.key === "c") { event.preventDefault(); correct(row); }
    else if (event.key === "u") { event.preventDefault(); unreadable(row); }
    else if (event.key === "h" || event.key === "x") { event.preventDefault(); other(row, event.key); }
  });
  window.addEventListener("popstate", () => window.location.reload());
  init();
})();
