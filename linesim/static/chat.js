// linesim chat page: polls /chat/api/feed and turns taps into webhook events via /chat/api/*.
"use strict";

const S = {
  view: "user",      // "user" (1:1) or "group"
  seq: 0,            // last feed entry seen
  entries: [],       // every feed entry, in order
  loading: {},       // chat id -> seconds left
  state: null,       // /chat/api/state
  quote: null,       // {id, text} of a bot message being replied to (group)
  polling: false,
  atBottom: true,    // follow new messages unless the person scrolled up
  resize: null,      // ResizeObserver on rendered rows
};

const $ = (id) => document.getElementById(id);
const log = $("log");

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

async function api(path, body, opts = {}) {
  const init = body === undefined ? {} : {
    method: "POST",
    headers: opts.headers || { "Content-Type": "application/json" },
    body: opts.raw ? body : JSON.stringify(body),
  };
  const res = await fetch(path, init);
  let data = null;
  try { data = await res.json(); } catch (_) { data = null; }
  if (!res.ok) throw new Error((data && data.message) || res.statusText);
  return data;
}

function chatId() {
  if (!S.state) return "";
  return S.view === "group" ? S.state.group.groupId : S.state.me.userId;
}

function belongs(entry) {
  return entry.chat === chatId() || entry.chat === "";
}

function hhmm(iso) {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

function kb(size) {
  if (size >= 1024 * 1024) return `${(size / 1024 / 1024).toFixed(1)} MB`;
  if (size >= 1024) return `${Math.round(size / 1024)} KB`;
  return `${size} B`;
}

// ---- rendering ------------------------------------------------------------------------------

function row(side, entry, nodes, extra) {
  const r = el("div", `row ${side === "user" ? "me" : "bot"}`);
  const col = el("div", "col");
  if (side !== "user") {
    r.appendChild(el("div", "avatar", "動"));
    if (S.view === "group") col.appendChild(el("div", "name", S.state.bot.displayName));
  }
  nodes.forEach((n) => col.appendChild(n));
  const meta = el("div", "meta");
  if (extra) extra.forEach((t) => meta.appendChild(el("span", "tag", t)));
  meta.appendChild(el("span", "tag", hhmm(entry.at)));
  if (side === "user") { r.appendChild(meta); r.appendChild(col); }
  else { r.appendChild(col); r.appendChild(meta); }
  return r;
}

function textWithMention(message) {
  const b = el("div", "bubble");
  const text = message.text || "";
  const m = message.mention && message.mention.mentionees && message.mention.mentionees[0];
  if (!m) { b.textContent = text; return b; }
  // index/length are UTF-16 code units, which is how JS strings count too.
  b.appendChild(document.createTextNode(text.slice(0, m.index)));
  b.appendChild(el("span", "mention", text.slice(m.index, m.index + m.length)));
  b.appendChild(document.createTextNode(text.slice(m.index + m.length)));
  return b;
}

function userNodes(entry) {
  const nodes = [];
  if (entry.postback) {
    return null; // shown as a note
  }
  const m = entry.message || {};
  if (m.quotedMessageId) {
    const q = findBotText(m.quotedMessageId);
    nodes.push(el("div", "quoted", q ? `返信：${q}` : "返信"));
  }
  const src = `/chat/api/content/${encodeURIComponent(m.id)}`;
  if (m.type === "text") nodes.push(textWithMention(m));
  else if (m.type === "image") {
    const box = el("div", "media");
    const img = el("img"); img.src = src; img.alt = "送った写真"; box.appendChild(img);
    nodes.push(box);
  } else if (m.type === "video") {
    const box = el("div", "media");
    const v = el("video"); v.src = src; v.controls = true; v.preload = "metadata";
    v.setAttribute("playsinline", ""); box.appendChild(v); nodes.push(box);
  } else if (m.type === "audio") {
    const box = el("div", "media");
    const a = el("audio"); a.src = src; a.controls = true; box.appendChild(a); nodes.push(box);
  } else if (m.type === "file") {
    const b = el("div", "bubble file-card");
    const ext = (m.fileName.split(".").pop() || "").slice(0, 4).toUpperCase();
    b.appendChild(el("span", "icon", ext || "FILE"));
    const t = el("div"); t.appendChild(el("span", "", m.fileName));
    t.appendChild(el("small", "", kb(m.fileSize))); b.appendChild(t); nodes.push(b);
  } else if (m.type === "sticker") nodes.push(el("div", "sticker", "🧸"));
  else if (m.type === "location") {
    nodes.push(el("div", "bubble", `📍 ${m.title || "位置情報"}\n${m.address || ""}`));
  } else nodes.push(el("div", "bubble", `[${m.type}]`));
  return nodes;
}

function findBotText(id) {
  for (const e of S.entries) {
    if (e.side !== "bot" || !e.ids) continue;
    const i = e.ids.indexOf(id);
    if (i >= 0) {
      const msg = e.messages[i];
      return msg.type === "text" ? msg.text.slice(0, 40) : msg.altText || `[${msg.type}]`;
    }
  }
  return null;
}

function actionButton(action, label) {
  const b = el("button", "", label || action.label || "");
  b.type = "button";
  b.addEventListener("click", () => runAction(action));
  return b;
}

function templateNode(msg) {
  const t = msg.template || {};
  if (t.type === "carousel" || t.type === "image_carousel") {
    const wrap = el("div", "carousel");
    (t.columns || []).forEach((c) => wrap.appendChild(t.type === "carousel"
      ? columnCard(c, c.actions || [], false)
      : imageColumn(c)));
    return wrap;
  }
  return columnCard(t, t.actions || [], t.type === "confirm");
}

function columnCard(c, actions, confirm) {
  const card = el("div", "card");
  if (c.thumbnailImageUrl) {
    const img = el("img"); img.src = c.thumbnailImageUrl; img.alt = ""; card.appendChild(img);
  }
  const body = el("div", "card-body");
  if (c.title) body.appendChild(el("div", "card-title", c.title));
  body.appendChild(el("div", "", c.text || ""));
  card.appendChild(body);
  const acts = el("div", confirm ? "actions confirm" : "actions");
  actions.forEach((a) => acts.appendChild(actionButton(a)));
  card.appendChild(acts);
  return card;
}

function imageColumn(c) {
  const card = el("div", "card");
  const img = el("img"); img.src = c.imageUrl; img.alt = ""; card.appendChild(img);
  if (c.action) {
    const acts = el("div", "actions"); acts.appendChild(actionButton(c.action));
    card.appendChild(acts);
  }
  return card;
}

function flexNode(node) {
  if (!node || typeof node !== "object") return el("span");
  switch (node.type) {
    case "carousel": {
      const wrap = el("div", "carousel");
      (node.contents || []).forEach((b) => wrap.appendChild(flexNode(b)));
      return wrap;
    }
    case "bubble": {
      const card = el("div", "card");
      ["header", "hero", "body", "footer"].forEach((k) => {
        if (!node[k]) return;
        const part = el("div", k === "hero" ? "" : "card-body");
        part.appendChild(flexNode(node[k]));
        card.appendChild(part);
      });
      return card;
    }
    case "box": {
      const box = el("div", `flex-box ${node.layout || "vertical"}`);
      (node.contents || []).forEach((c) => box.appendChild(flexNode(c)));
      return box;
    }
    case "text": {
      const t = el("div", "flex-text", node.text || (node.contents || []).map((s) => s.text).join(""));
      if (node.weight === "bold") t.style.fontWeight = "700";
      if (node.color) t.style.color = node.color;
      return t;
    }
    case "image": {
      const img = el("img"); img.src = node.url; img.alt = ""; img.style.width = "100%";
      return img;
    }
    case "button": {
      const b = actionButton(node.action || {});
      b.className = `flex-button ${node.style || "link"}`;
      return b;
    }
    case "separator": return el("hr");
    default: return el("span");
  }
}

function botNode(msg, id) {
  switch (msg.type) {
    case "text": return el("div", "bubble", msg.text);
    case "image": {
      const box = el("div", "media");
      const a = el("a"); a.href = msg.originalContentUrl; a.target = "_blank"; a.rel = "noopener";
      const img = el("img"); img.src = msg.previewImageUrl; img.alt = "画像"; a.appendChild(img);
      box.appendChild(a);
      return box;
    }
    case "video": {
      const box = el("div", "media");
      const v = el("video");
      v.controls = true; v.preload = "none"; v.poster = msg.previewImageUrl;
      v.src = msg.originalContentUrl; v.setAttribute("playsinline", "");
      box.appendChild(v);
      return box;
    }
    case "audio": {
      const box = el("div", "media");
      const a = el("audio"); a.controls = true; a.src = msg.originalContentUrl;
      box.appendChild(a);
      return box;
    }
    case "sticker": return el("div", "sticker", "🧸");
    case "location": return el("div", "bubble", `📍 ${msg.title}\n${msg.address}`);
    case "template": return templateNode(msg);
    case "flex": {
      const wrap = el("div");
      wrap.appendChild(flexNode(msg.contents));
      return wrap;
    }
    default: {
      const b = el("div", "bubble", msg.altText || `[${msg.type}]`);
      return b;
    }
  }
}

function errorNote(entry) {
  const n = el("div", "note error");
  const body = entry.body || {};
  const what = { reply: "返信", push: "プッシュ", loading: "ローディング表示" }[entry.what] || entry.what;
  n.appendChild(el("div", "", `⚠ LINEが${what}を拒否しました（${entry.status}）：${body.message || ""}`));
  if (Array.isArray(body.details) && body.details.length) {
    const ul = el("ul");
    body.details.forEach((d) => ul.appendChild(el("li", "", `${d.property}: ${d.message}`)));
    n.appendChild(ul);
  }
  return n;
}

function systemNote(entry) {
  const labels = {
    follow: "友だち追加しました（follow）",
    unfollow: "ブロックしました（unfollow）",
    join: "ボットがグループに参加しました（join）",
    leave: "ボットがグループから退出しました（leave）",
  };
  if (entry.event) return el("div", "note", labels[entry.event] || entry.event);
  if (entry.slow_ms) {
    return el("div", "note error",
      `ボットの応答に${(entry.slow_ms / 1000).toFixed(1)}秒かかりました（LINEでは2秒でタイムアウト）`);
  }
  const n = el("div", "note error");
  n.appendChild(el("span", "", entry.webhook_status === 0
    ? `ボットに届きませんでした（${entry.error || "接続できません"}）`
    : `ボットが HTTP ${entry.webhook_status} を返しました`));
  if (entry.event_ids && entry.event_ids.length) {
    const b = el("button", "", "再送する");
    b.type = "button";
    b.addEventListener("click", () => api("/chat/api/redeliver", { eventIds: entry.event_ids })
      .then(poll).catch(showProblem));
    n.appendChild(b);
  }
  return n;
}

function renderEntry(entry) {
  if (entry.side === "user") {
    if (entry.postback) {
      return el("div", "note", `ポストバック送信：${entry.postback.data}${entry.redelivery ? "（再送）" : ""}`);
    }
    const tags = [];
    if (entry.redelivery) tags.push("再送");
    return row("user", entry, userNodes(entry), tags);
  }
  if (entry.side === "bot") {
    const nodes = [];
    entry.messages.forEach((m, i) => {
      nodes.push(botNode(m, entry.ids && entry.ids[i]));
      if (S.view === "group" && entry.ids && entry.ids[i]) {
        const link = el("button", "reply-link", "↩ 返信");
        link.type = "button";
        link.addEventListener("click", () => setQuote(entry.ids[i], m));
        nodes.push(link);
      }
    });
    return row("bot", entry, nodes, [entry.kind === "push" ? "プッシュ" : ""].filter(Boolean));
  }
  if (entry.side === "error") return errorNote(entry);
  if (entry.side === "system") return systemNote(entry);
  return null; // "loading" entries drive the indicator only
}

function renderAll() {
  S.atBottom = true;
  if (S.resize) S.resize.disconnect();
  log.replaceChildren();
  S.entries.filter(belongs).forEach(appendEntry);
  afterRender();
}

function appendEntry(entry) {
  const node = renderEntry(entry);
  if (!node) return;
  log.appendChild(node);
  if (S.resize) S.resize.observe(node);
}

function afterRender() {
  log.querySelectorAll(".loading-row").forEach((n) => n.remove());
  if ((S.loading[chatId()] || 0) > 0) {
    const r = el("div", "row bot loading-row");
    r.appendChild(el("div", "avatar", "動"));
    const b = el("div", "bubble dots");
    b.setAttribute("aria-label", "入力中");
    for (let i = 0; i < 3; i += 1) b.appendChild(el("span"));
    r.appendChild(b);
    log.appendChild(r);
  }
  renderQuickReplies();
  if (S.atBottom) log.scrollTop = log.scrollHeight;
}

// LINE shows quick replies only on the last message, until the person does something.
function renderQuickReplies() {
  const bar = $("quick");
  bar.replaceChildren();
  const talk = S.entries.filter((e) => belongs(e) && (e.side === "user" || e.side === "bot"));
  const last = talk[talk.length - 1];
  const msg = last && last.side === "bot" ? last.messages[last.messages.length - 1] : null;
  const items = msg && msg.quickReply ? msg.quickReply.items || [] : [];
  items.forEach((item) => bar.appendChild(actionButton(item.action)));
  bar.hidden = items.length === 0;
}

// ---- actions ----------------------------------------------------------------------------------

function runAction(action) {
  const chat = S.view;
  switch (action.type) {
    case "message": return sendText(action.text);
    case "postback":
      return api("/chat/api/postback", {
        chat, data: action.data, displayText: action.displayText || action.text || null,
      }).then(poll).catch(showProblem);
    case "datetimepicker": {
      const now = new Date().toISOString();
      const params = { date: now.slice(0, 10), time: now.slice(11, 16),
        datetime: now.slice(0, 16) };
      return api("/chat/api/postback", { chat, data: action.data,
        params: { [action.mode]: params[action.mode] } }).then(poll).catch(showProblem);
    }
    case "uri": window.open(action.uri, "_blank", "noopener"); return null;
    case "camera": case "cameraRoll": $("pick-media").click(); return null;
    case "location": return api("/chat/api/location", { chat }).then(poll).catch(showProblem);
    case "clipboard":
      if (navigator.clipboard) navigator.clipboard.writeText(action.clipboardText || "");
      return null;
    default: return null;
  }
}

async function sendText(text) {
  if (!text || !text.trim()) return;
  S.atBottom = true;
  const body = { chat: S.view, text };
  if (S.quote) body.quotedMessageId = S.quote.id;
  setQuote(null);
  try { await api("/chat/api/text", body); } catch (e) { showProblem(e); }
  poll();
}

function setQuote(id, msg) {
  S.quote = id ? { id } : null;
  $("quote-bar").hidden = !id;
  if (id) $("quote-text").textContent = `返信：${msg.type === "text" ? msg.text.slice(0, 30) : msg.altText || msg.type}`;
}

async function mediaDuration(file) {
  if (!/^(video|audio)\//.test(file.type)) return 0;
  return new Promise((resolve) => {
    const m = document.createElement(file.type.startsWith("video") ? "video" : "audio");
    const url = URL.createObjectURL(file);
    const done = (v) => { URL.revokeObjectURL(url); resolve(v); };
    m.preload = "metadata";
    m.onloadedmetadata = () => done(Math.round((m.duration || 0) * 1000));
    m.onerror = () => done(0);
    setTimeout(() => done(0), 3000);
    m.src = url;
  });
}

async function upload(files, asFile) {
  const list = Array.from(files);
  const images = list.filter((f) => !asFile && f.type.startsWith("image/"));
  const setId = images.length > 1 ? `${Date.now()}${Math.floor(Math.random() * 1e6)}` : "";
  let index = 0;
  for (const file of list) {
    const q = new URLSearchParams({ name: file.name, chat: S.view, as_file: asFile ? "true" : "false" });
    q.set("duration_ms", String(await mediaDuration(file)));
    if (setId && file.type.startsWith("image/")) {
      index += 1;
      q.set("set_id", setId); q.set("set_index", String(index)); q.set("set_total", String(images.length));
    }
    try {
      await api(`/chat/api/upload?${q}`, file, {
        raw: true, headers: { "Content-Type": file.type || "application/octet-stream" },
      });
    } catch (e) { showProblem(e); }
    poll();
  }
}

function showProblem(err) {
  const n = el("div", "note error", `ページのエラー：${err.message || err}`);
  log.appendChild(n);
  log.scrollTop = log.scrollHeight;
}

// ---- polling ----------------------------------------------------------------------------------

async function poll() {
  if (S.polling) return;
  S.polling = true;
  try {
    const data = await api(`/chat/api/feed?after=${S.seq}`);
    if (data.seq < S.seq) { // linesim was reset: start over
      S.seq = 0; S.entries = []; S.polling = false; return poll();
    }
    const fresh = data.entries;
    const before = JSON.stringify(S.loading);
    S.loading = data.loading;
    if (fresh.length) {
      S.entries.push(...fresh);
      S.seq = data.seq;
      fresh.filter(belongs).forEach(appendEntry);
    }
    if (fresh.length || before !== JSON.stringify(S.loading)) afterRender();
  } catch (_) {
    // linesim restarting: try again on the next tick
  } finally {
    S.polling = false;
  }
  return null;
}

// ---- wiring -----------------------------------------------------------------------------------

function applyState(state) {
  S.state = state;
  $("me-line").textContent = `${state.me.displayName}（${state.me.userId}・${state.me.language}）`;
  $("webhook-line").textContent = `Webhook：${state.webhook_url}`;
  $("ttl").value = String(state.reply_token_ttl);
  document.querySelectorAll("[data-lang]").forEach((b) =>
    b.classList.toggle("on", b.dataset.lang === state.lang));
  $("chat-title").textContent = S.view === "group" ? "お店のグループ" : state.bot.displayName;
  $("chat-sub").textContent = S.view === "group"
    ? `メンバー${state.group.members.length + 1}人`
    : "1:1トーク";
  $("text").placeholder = S.view === "group"
    ? "@でボットに話しかける" : "メッセージを入力";
}

function updateMention() {
  const box = $("mention-suggest");
  const text = $("text").value;
  const show = S.view === "group" && /(^|\s)@$/.test(text);
  box.replaceChildren();
  box.hidden = !show;
  if (!show) return;
  box.appendChild(el("span", "", "メンション"));
  const b = el("button", "", `@${S.state.bot.displayName}`);
  b.type = "button";
  b.addEventListener("click", () => {
    $("text").value = `${text}${S.state.bot.displayName} `;
    box.hidden = true;
    $("text").focus();
  });
  box.appendChild(b);
}

function init() {
  // Media sizes arrive late (posters, photos): keep the newest message in view when they do,
  // unless the person scrolled up to read.
  log.addEventListener("scroll", () => {
    S.atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  });
  S.resize = new ResizeObserver(() => { if (S.atBottom) log.scrollTop = log.scrollHeight; });
  const params = new URLSearchParams(location.search);
  if (params.get("view") === "group") {
    S.view = "group";
    document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("on", t.dataset.view === "group"));
  }
  if (params.get("menu") === "1") $("menu").hidden = false;
  document.querySelectorAll(".tab").forEach((tab) => tab.addEventListener("click", () => {
    S.view = tab.dataset.view;
    document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("on", t === tab));
    setQuote(null);
    applyState(S.state);
    renderAll();
  }));
  $("menu-btn").addEventListener("click", () => {
    const menu = $("menu");
    menu.hidden = !menu.hidden;
    $("menu-btn").setAttribute("aria-expanded", String(!menu.hidden));
  });
  document.querySelectorAll("[data-lang]").forEach((b) => b.addEventListener("click", async () => {
    applyState(await api("/chat/api/lang", { lang: b.dataset.lang }));
  }));
  document.querySelectorAll("[data-life]").forEach((b) => b.addEventListener("click", async () => {
    const kind = b.dataset.life;
    const body = kind === "follow-unblock" ? { event: "follow", unblocked: true } : { event: kind };
    try { await api("/chat/api/lifecycle", body); } catch (e) { showProblem(e); }
    $("menu").hidden = true;
    poll();
  }));
  $("ttl").addEventListener("change", async () => {
    await api("/_sim/config", { reply_token_ttl: Number($("ttl").value) });
  });
  $("reset-btn").addEventListener("click", async () => {
    await api("/_sim/reset", {});
    S.entries = []; S.seq = 0; log.replaceChildren();
    applyState(await api("/chat/api/state"));
    $("menu").hidden = true;
    poll();
  });
  $("attach").addEventListener("click", () => {
    const sheet = $("attach-sheet");
    sheet.hidden = !sheet.hidden;
    $("attach").setAttribute("aria-expanded", String(!sheet.hidden));
  });
  document.querySelectorAll("[data-pick]").forEach((b) => b.addEventListener("click", () => {
    $("attach-sheet").hidden = true;
    const pick = b.dataset.pick;
    if (pick === "media") $("pick-media").click();
    else if (pick === "file") $("pick-file").click();
    else if (pick === "sticker") api("/chat/api/sticker", { chat: S.view }).then(poll).catch(showProblem);
    else api("/chat/api/location", { chat: S.view }).then(poll).catch(showProblem);
  }));
  $("pick-media").addEventListener("change", (ev) => { upload(ev.target.files, false); ev.target.value = ""; });
  $("pick-file").addEventListener("change", (ev) => { upload(ev.target.files, true); ev.target.value = ""; });
  $("quote-cancel").addEventListener("click", () => setQuote(null));
  const text = $("text");
  text.addEventListener("input", () => {
    text.style.height = "auto";
    text.style.height = `${Math.min(text.scrollHeight, 120)}px`;
    updateMention();
  });
  text.addEventListener("keydown", (ev) => {
    // Enter sends; Shift+Enter (and IME composition) keeps typing.
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      $("composer").requestSubmit();
    }
  });
  $("composer").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const value = text.value;
    text.value = "";
    text.style.height = "auto";
    updateMention();
    sendText(value);
  });
  api("/chat/api/state").then((state) => {
    applyState(state);
    poll();
    setInterval(poll, 800);
  }).catch(showProblem);
}

init();
