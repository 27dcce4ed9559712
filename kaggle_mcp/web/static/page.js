// The context page: builds through the REST API, watches the build, shows and exports the TOON.
// No framework and no build step; loaded with `defer`, so the DOM is parsed when this runs.
"use strict";

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = "kaggle-agent-mcp-http-token";
const POLL_MS = 300;

let httpToken = sessionStorage.getItem(TOKEN_KEY) || localStorage.getItem(TOKEN_KEY) || "";
let shown = null; // {slug, toon} of the context on screen

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A server started with KAGGLE_MCP_HTTP_TOKEN can hand out a link ending in #token=...: the fragment never
// reaches a server log, and it is removed from the address bar at once.
function tokenFromFragment() {
  const match = location.hash.match(/(?:^#|&)token=([^&]+)/);
  if (!match) return;
  httpToken = decodeURIComponent(match[1]);
  sessionStorage.setItem(TOKEN_KEY, httpToken);
  history.replaceState(null, "", location.pathname + location.search);
}

function askForToken(refused) {
  const panel = $("auth");
  $("auth-why").textContent = refused
    ? "The server refused that token. Enter the KAGGLE_MCP_HTTP_TOKEN it was started with."
    : "It was started with KAGGLE_MCP_HTTP_TOKEN; enter that token to continue.";
  panel.hidden = false;
  $("http-token").value = "";
  $("http-token").focus();
  return new Promise((resolve) => {
    $("auth-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const token = $("http-token").value.trim();
      sessionStorage.setItem(TOKEN_KEY, token);
      if ($("remember-token").checked) localStorage.setItem(TOKEN_KEY, token);
      else localStorage.removeItem(TOKEN_KEY);
      panel.hidden = true;
      resolve(token);
    }, { once: true });
  });
}

// fetch with the bearer token; a 401 asks the user for the token and sends the request again.
async function api(path, options = {}) {
  for (;;) {
    const headers = new Headers(options.headers || {});
    if (httpToken) headers.set("Authorization", `Bearer ${httpToken}`);
    const response = await fetch(path, { ...options, headers, credentials: "same-origin" });
    if (response.status !== 401) return response;
    httpToken = await askForToken(Boolean(httpToken));
  }
}

function problem(body, status) {
  const detail = body && body.detail;
  if (Array.isArray(detail)) {
    return detail.map((e) => `${(e.loc || []).filter((p) => p !== "body").join(".")}: ${e.msg}`).join("; ");
  }
  return detail || (body && body.message) || `The server answered ${status}.`;
}

async function readJson(response) {
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    // not JSON: the status says enough
  }
  if (!response.ok) throw new Error(problem(body, response.status));
  return body;
}

function status(text, { error = false, done = null, total = null } = {}) {
  const panel = $("status");
  panel.hidden = false;
  panel.classList.toggle("error", error);
  $("status-text").textContent = text;
  const bar = $("progress");
  bar.hidden = error;
  if (done === null) {
    bar.removeAttribute("value"); // indeterminate
  } else {
    bar.max = total;
    bar.value = done;
  }
}

// Polls /api/build-progress while a build request is out; stop() ends it.
function watchProgress(url, topN, jobId) {
  let running = true;
  const query = new URLSearchParams({ url, top_n: String(topN) });
  if (jobId) query.set("job_id", jobId);
  (async () => {
    while (running) {
      try {
        const seen = await readJson(await api(`/api/build-progress?${query}`));
        if (running && seen.building) {
          status(`Step ${seen.done} of ${seen.total}: ${seen.message}`, { done: seen.done, total: seen.total });
        }
      } catch (_) {
        // progress is a nicety: the build's own answer reports any failure
      }
      await sleep(POLL_MS);
    }
  })();
  return { stop: () => { running = false; } };
}

async function buildShared(url, topN) {
  const watching = watchProgress(url, topN, null);
  try {
    const response = await api("/api/get-context", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ url, top_n: topN }),
    });
    const body = await readJson(response);
    history.replaceState(null, "", `/?competition=${encodeURIComponent(body.slug)}&top_n=${topN}`);
    return body;
  } finally {
    watching.stop();
  }
}

async function buildPrivate(url, topN, file) {
  const form = new FormData();
  form.append("url", url);
  form.append("top_n", String(topN));
  form.append("token_file", file, "kaggle.json");
  const started = await readJson(await api("/api/get-context-upload", { method: "POST", body: form }));
  const watching = watchProgress(url, topN, started.job_id);
  const poll = `/api/competitions/${encodeURIComponent(started.slug)}?job_id=${encodeURIComponent(started.job_id)}`;
  try {
    for (;;) {
      const body = await readJson(await api(poll));
      if (body.status === "completed") return body;
      if (body.status === "failed") throw new Error(body.message);
      await sleep(POLL_MS);
    }
  } finally {
    watching.stop();
  }
}

// The context states its own size: stats.tokens_estimated, an o200k estimate of the whole document.
function tokenCount(toon) {
  const counts = [...toon.matchAll(/^\s*tokens_estimated: (\d+)\s*$/gm)];
  return counts.length ? Number(counts[counts.length - 1][1]) : null;
}

function show(body) {
  const toon = body.toon_content;
  shown = { slug: body.slug, toon };
  const tokens = tokenCount(toon);
  $("result-title").textContent = body.title;
  $("token-count").textContent = tokens === null ? "" : `≈ ${tokens.toLocaleString("en-US")} tokens`;
  $("result-size").textContent = `${new Blob([toon]).size.toLocaleString("en-US")} bytes`;
  $("result-when").textContent = body.cached_at ? `built ${body.cached_at.replace("T", " ").replace("Z", " UTC")}` : "";
  $("toon").textContent = toon;
  $("result").hidden = false;
  $("status").hidden = true;
  $("result-title").focus();
}

async function build(url, topN, file) {
  const button = $("build");
  button.disabled = true;
  $("result").setAttribute("aria-busy", "true");
  status(file ? "Starting a private build…" : "Starting…");
  try {
    show(file ? await buildPrivate(url, topN, file) : await buildShared(url, topN));
  } catch (error) {
    status(error.message, { error: true });
  } finally {
    button.disabled = false;
    $("result").removeAttribute("aria-busy");
    loadRecent();
  }
}

async function copyToon() {
  if (!shown) return;
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(shown.toon);
  } else { // plain http on another host: no Clipboard API, copy the selected text instead
    const range = document.createRange();
    range.selectNodeContents($("toon"));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    document.execCommand("copy");
  }
  $("copy").textContent = "Copied";
  setTimeout(() => { $("copy").textContent = "Copy"; }, 2000);
}

function downloadToon() {
  if (!shown) return;
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([shown.toon], { type: "text/plain;charset=utf-8" }));
  link.download = `${shown.slug}.toon`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

async function loadRecent() {
  let builds = [];
  try {
    builds = (await readJson(await api("/api/builds"))).builds;
  } catch (_) {
    return; // the list is optional; the form still works
  }
  const list = $("recent");
  list.replaceChildren(...builds.map((b) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    const title = document.createElement("span");
    title.className = "title";
    title.textContent = b.title;
    const detail = document.createElement("span");
    detail.className = "detail";
    const tokens = b.tokens === null ? "" : ` · ≈ ${b.tokens.toLocaleString("en-US")} tokens`;
    detail.textContent = `${b.slug} · top ${b.top_n} notebooks${tokens} · ${b.built_at.replace("T", " ").replace("Z", " UTC")}`;
    button.append(title, detail);
    button.addEventListener("click", () => start(b.slug, b.top_n));
    item.append(button);
    return item;
  }));
  $("recent-empty").hidden = builds.length > 0;
}

function start(url, topN) {
  $("competition").value = url;
  $("top-n").value = String(topN);
  $("token-file").value = "";
  build(url, topN, null);
}

$("build-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const url = $("competition").value.trim();
  if (!url) {
    status("Enter a competition URL or slug, e.g. titanic.", { error: true });
    $("competition").focus();
    return;
  }
  const file = $("token-file").files[0] || null;
  build(url, Number($("top-n").value), file);
});
$("copy").addEventListener("click", () => copyToon().catch((e) => status(`Could not copy: ${e.message}`, { error: true })));
$("download").addEventListener("click", downloadToon);

tokenFromFragment();
loadRecent();
const asked = new URLSearchParams(location.search);
if (asked.get("competition")) {
  const topN = Number(asked.get("top_n"));
  start(asked.get("competition"), Number.isInteger(topN) && topN >= 1 && topN <= 10 ? topN : 5);
}
