// Small progressive enhancements; every page works without this file.
// Buttons and links with data-confirm ask before acting; data-back goes back in history.
document.addEventListener("click", (e) => {
  const el = e.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) {
    e.preventDefault();
  }
  const back = e.target.closest("[data-back]");
  if (back && window.history.length > 1) {
    e.preventDefault();
    window.history.back();
  }
});

// Report form: while the resident picks a category and a home, show open requests of the same kind at
// the same building (the server renders the fragment; without this script the list shows on reload).
const requestForm = document.getElementById("request-form");
if (requestForm && requestForm.dataset.similar) {
  const box = document.getElementById("similar");
  const refresh = () => {
    const cat = requestForm.querySelector("[name=category_id]");
    const home = requestForm.querySelector("[name=household_id]:checked");
    const place = requestForm.querySelector("[name=place_id]");
    const q = new URLSearchParams();
    if (cat && cat.value && home && home.value) {
      q.set("household_id", home.value);
    } else if (cat && cat.value && (!home || !home.value) && place && place.value) {
      q.set("place_id", place.value);
    } else {
      box.innerHTML = "";
      return;
    }
    q.set("category_id", cat.value);
    fetch(`${requestForm.dataset.similar}?${q}`, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : ""))
      .then((html) => {
        box.innerHTML = html;
      })
      .catch(() => {});
  };
  requestForm.addEventListener("change", (e) => {
    if (["category_id", "household_id", "place_id"].includes(e.target.name)) refresh();
  });
  refresh();
}

// Photos: a phone's photo is often 5–12 MB. Where scripts run, scale each chosen picture down in the
// browser (longest side 2560 px, JPEG) before it is sent, so the upload is small and quick; what the
// server would refuse (too many files, still too large) is said beside the field before submitting.
// Without scripts the server takes photos up to the limit the field states and scales them itself.
const MAX_SIDE = 2560;
async function shrink(file) {
  if (!/^image\/(jpeg|png|webp)$/.test(file.type) || typeof createImageBitmap !== "function") return file;
  const bmp = await createImageBitmap(file, { imageOrientation: "from-image" }).catch(() => null);
  if (!bmp) return file;
  const scale = Math.min(1, MAX_SIDE / Math.max(bmp.width, bmp.height));
  if (scale === 1 && file.size < 1.5 * 1024 * 1024) return file;
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bmp.width * scale);
  canvas.height = Math.round(bmp.height * scale);
  canvas.getContext("2d").drawImage(bmp, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise((ok) => canvas.toBlob(ok, "image/jpeg", 0.85));
  if (!blob || blob.size >= file.size) return file;
  return new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" });
}
for (const input of document.querySelectorAll("input[type=file][data-max-bytes]")) {
  const note = document.getElementById(input.getAttribute("aria-describedby")?.split(" ")[0] || "");
  const max = Number(input.dataset.maxBytes);
  const most = Number(input.dataset.maxFiles || 99);
  input.addEventListener("change", async () => {
    const form = input.form;
    const submit = form && form.querySelector("[type=submit]");
    if (submit) submit.disabled = true;
    input.setCustomValidity("");
    try {
      const files = Array.from(input.files || []);
      if (files.length > most) {
        input.setCustomValidity(input.dataset.tooMany || "");
      } else if (typeof DataTransfer === "function" && files.length) {
        const dt = new DataTransfer();
        for (const f of files) dt.items.add(await shrink(f));
        input.files = dt.files;
        if (Array.from(dt.files).some((f) => f.size > max)) input.setCustomValidity(input.dataset.tooLarge || "");
        input.dataset.shrunk = Array.from(dt.files).map((f) => f.size).join(",");
      }
    } finally {
      if (submit) submit.disabled = false;
      if (note) note.classList.toggle("error", !!input.validationMessage);
      input.reportValidity();
    }
  });
}

// Report form: "use my location" where the browser offers it (the coordinates go in hidden fields and
// the report becomes a public-area one); without scripts or permission, a building and words say where.
const here = document.getElementById("use-location");
if (here && navigator.geolocation) {
  here.hidden = false;
  const note = document.getElementById("location-note");
  here.addEventListener("click", () => {
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const f = here.form;
        f.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(6);
        f.querySelector("[name=lng]").value = pos.coords.longitude.toFixed(6);
        const pub = f.querySelector("[name=household_id][value='']");
        if (pub) pub.checked = true;
        note.textContent = here.dataset.ok;
      },
      () => {
        note.textContent = here.dataset.fail;
      },
      { enableHighAccuracy: true, timeout: 10000 },
    );
  });
}

// Text areas with a limit show how much is left (and never cut a paste silently: maxlength is shown).
for (const ta of document.querySelectorAll("textarea[data-counter][maxlength]")) {
  const max = Number(ta.getAttribute("maxlength"));
  const out = document.createElement("p");
  out.className = "counter muted";
  out.setAttribute("aria-live", "polite");
  ta.insertAdjacentElement("afterend", out);
  const show = () => {
    out.textContent = `${ta.value.length} / ${max}`;
    out.classList.toggle("error", ta.value.length >= max);
  };
  ta.addEventListener("input", show);
  show();
}

// Booking form: the end list follows the chosen start (each start option carries the ends it allows),
// and another date reloads the page's free/busy grid for that day.
for (const start of document.querySelectorAll("select[data-ends]")) {
  const end = start.form.querySelector("select[name=end]");
  start.addEventListener("change", () => {
    const opt = start.selectedOptions[0];
    const ends = (opt && opt.dataset.ends ? opt.dataset.ends : "").split(" ").filter(Boolean);
    end.replaceChildren(...ends.map((e) => new Option(e, e)));
  });
}
for (const date of document.querySelectorAll("select[data-day-link]")) {
  date.addEventListener("change", () => {
    window.location.href = `${date.dataset.dayLink}&day=${encodeURIComponent(date.value)}#book-${date.dataset.dayLink.split("room=")[1]}`;
  });
}

// A refused form drawn again on its page: bring it into view and put the cursor on the first field to fix.
const refused = document.querySelector("form[data-refused]");
if (refused) {
  refused.scrollIntoView({ block: "start" });
  const first = refused.querySelector("[aria-invalid=true]");
  if (first) first.focus({ preventScroll: true });
}

// Grid visits on a poor network (the visit page's forms carry data-offline="visit"): each record is
// put in this phone's storage with the key the page gave its form, then sent; what cannot be sent now
// (no network, the server unreachable) stays listed under 「待发送」 and goes when the network returns —
// on the browser's online event, on the next page load, and every 20 seconds. The server takes each key
// once, so a record sent twice (a retry after a lost answer) is written once. Without scripts the form
// posts as usual and its key makes a double submit harmless too.
(() => {
  const forms = document.querySelectorAll('form[data-offline="visit"]');
  const box = document.getElementById("queue");
  if (!box) return;
  const STORE = "xh-visit-queue";
  const load = () => {
    try {
      return JSON.parse(localStorage.getItem(STORE) || "[]");
    } catch {
      return [];
    }
  };
  const save = (q) => localStorage.setItem(STORE, JSON.stringify(q));
  const csrf = () => (document.querySelector('input[name="_csrf"]') || {}).value || "";
  const newKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  const done = document.getElementById("done");
  const mark = (household, text, tone) => {
    const li = document.querySelector(`li.door[data-household="${household}"]`);
    if (!li) return;
    if (tone === "st-done" && !li.dataset.reached && done) {
      li.dataset.reached = "1";
      done.textContent = String(Number(done.textContent) + 1);
    }
    const tag = li.querySelector(".door-state");
    tag.textContent = text;
    tag.className = `tag ${tone} door-state`;
  };
  const render = () => {
    const q = load();
    box.hidden = q.length === 0;
    const list = document.getElementById("queue-list");
    list.replaceChildren(
      ...q.map((v) => {
        const li = document.createElement("li");
        li.className = "member";
        const tag = document.createElement("span");
        tag.className = v.error ? "tag st-late" : "tag st-wait";
        tag.textContent = v.error ? box.dataset.refused : box.dataset.waiting;
        li.append(tag, ` ${v.home}${v.error ? ` — ${v.error}` : ""}`);
        return li;
      }),
    );
  };
  const drop = (key) => save(load().filter((v) => v.body.key !== key));
  let flushing = false;
  // After a failed send, try again soon (2 s, doubling to 20 s): the online event can come a moment
  // before the network carries anything.
  let wait = 2000;
  let retry = null;
  const later = () => {
    clearTimeout(retry);
    retry = setTimeout(flush, wait);
    wait = Math.min(wait * 2, 20000);
  };
  const flush = async () => {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    try {
      for (const v of load().filter((v) => !v.error)) {
        let r;
        // A send that hangs (a network half back) is given up after 10 s, so it never blocks the queue.
        const stop = new AbortController();
        const timer = setTimeout(() => stop.abort(), 10000);
        try {
          r = await fetch("/api/v1/grid/visits", {
            method: "POST",
            credentials: "same-origin",
            headers: { "content-type": "application/json", "x-csrf-token": csrf() },
            body: JSON.stringify(v.body),
            signal: stop.signal,
          });
        } catch {
          later(); // still no network
          break;
        } finally {
          clearTimeout(timer);
        }
        wait = 2000;
        if (r.ok) {
          drop(v.body.key);
          mark(v.body.household_id, box.dataset.sent, "st-done");
        } else if (r.status >= 500 || r.status === 401 || r.status === 429 || r.status === 409) {
          // Try again later: the server is unwell, the log-in lapsed, or the visit is on its way already.
          if (r.status === 401) document.getElementById("queue-help").textContent = box.dataset.login;
          else later();
          break;
        } else {
          // Refused for good (the campaign ended, a field too long): keep it listed with the reason.
          const j = await r.json().catch(() => ({}));
          const q = load();
          const it = q.find((x) => x.body.key === v.body.key);
          if (it) it.error = j.message || String(r.status);
          save(q);
        }
      }
    } finally {
      flushing = false;
      render();
    }
  };
  forms.forEach((f) =>
    f.addEventListener("submit", (e) => {
      e.preventDefault();
      const fd = new FormData(f);
      const body = {};
      for (const k of ["campaign_id", "household_id", "how", "reached", "found", "key"]) body[k] = String(fd.get(k) || "");
      const q = load();
      if (!q.some((v) => v.body.key === body.key)) q.push({ home: String(fd.get("home") || ""), body });
      save(q);
      // The next record from this form is another visit: a key of its own.
      f.querySelector('input[name="key"]').value = newKey();
      f.reset();
      f.closest("details").open = false;
      mark(body.household_id, box.dataset.waiting, "st-work");
      render();
      flush();
    }),
  );
  window.addEventListener("online", flush);
  setInterval(flush, 20000);
  render();
  flush();
})();

// A print button (the appointment letter); without scripts the browser's own print does the same.
document.querySelectorAll("[data-print]").forEach((b) => b.addEventListener("click", () => window.print()));
