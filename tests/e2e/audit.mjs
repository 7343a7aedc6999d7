// The experience audit (issue 12): for each persona, in normal and large type, crawl the links of their
// pages to depth 2 and check every page — no link answers 403 or 404 to that persona, axe-core finds no
// WCAG 2.1 A/AA violation, large type keeps text ≥ 18 px, and touch targets are ≥ 44×44 px (≥ 60×60 in
// large type). Pages whose path differs only by ids count once. Returns a list of problems.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const axeSource = readFileSync(fileURLToPath(new URL("./node_modules/axe-core/axe.min.js", import.meta.url)), "utf8");

// Links not to follow: they change state, download files, or leave the HTML pages.
const SKIP = /\/(logout|export|figures\.xlsx|calendar\.ics|feed|ics|door|data\.json|download|photos\/)|\.xlsx|\.csv|\.ics|\/api\/|\/open311\//;

function template(path) {
  return path.replace(/\/\d+(?=\/|$)/g, "/{id}").replace(/=\d+/g, "={n}");
}

export async function audit(browser, base, { user, password, phone, large, maxPages = 40 }) {
  const problems = [];
  const ctx = await browser.newContext({
    viewport: phone ? { width: 390, height: 844 } : { width: 1366, height: 768 },
    bypassCSP: true,
  });
  const page = await ctx.newPage();
  await page.goto(`${base}/login`);
  const isLarge = async () => (await page.getAttribute("html", "class")).includes("large");
  if (large !== (await isLarge())) await page.click("#large-toggle");
  await page.fill('input[name="username"]', user);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"].primary');
  await page.waitForURL(`${base}/`);
  if (large !== (await isLarge())) await page.click("#large-toggle");
  const seen = new Set();
  let queue = [{ url: `${base}/`, depth: 0, from: "(home)" }];
  const visited = [];
  while (queue.length && visited.length < maxPages) {
    const { url, depth, from } = queue.shift();
    const u = new URL(url);
    const key = template(u.pathname + u.search);
    if (seen.has(key)) continue;
    seen.add(key);
    const resp = await page.goto(url);
    const status = resp ? resp.status() : 0;
    visited.push(key);
    if (status === 403 || status === 404) {
      problems.push(`${user}${large ? " 大字" : ""}: ${u.pathname}${u.search} answers ${status} (linked from ${from})`);
      continue;
    }
    if (!(resp.headers()["content-type"] || "").includes("text/html")) continue;
    // axe-core, WCAG 2.1 A and AA.
    await page.evaluate(axeSource);
    const result = await page.evaluate(() =>
      window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
    );
    for (const v of result.violations) {
      problems.push(`${user}${large ? " 大字" : ""}: ${key} axe ${v.id} (${v.impact}) ×${v.nodes.length}: ${v.nodes[0].target.join(" ")}`);
    }
    // Text size (large type) and touch targets.
    const min = large ? 60 : 44;
    const found = await page.evaluate(({ min, large }) => {
      const out = [];
      const visible = (el) => {
        const r = el.getBoundingClientRect();
        const s = getComputedStyle(el);
        // Off-screen (the skip link until focused) is not a target.
        return r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && s.visibility !== "hidden" && s.display !== "none";
      };
      for (const el of document.querySelectorAll("a[href], button, select, input:not([type=hidden]), textarea, summary")) {
        if (!visible(el)) continue;
        // Inline links inside running text are exempt (WCAG 2.5.5/2.5.8 inline exception).
        if (el.tagName === "A" && el.closest("p, li.inline-text, td") && getComputedStyle(el).display === "inline") continue;
        // A radio or checkbox counts by its label.
        const box = (el.type === "radio" || el.type === "checkbox") && el.closest("label") ? el.closest("label") : el;
        const r = box.getBoundingClientRect();
        if (r.width + 0.5 < min || r.height + 0.5 < min) {
          out.push(`target ${Math.round(r.width)}×${Math.round(r.height)} < ${min}: ${box.tagName.toLowerCase()}${box.id ? "#" + box.id : ""} 「${(box.textContent || box.value || box.name || "").trim().slice(0, 20)}」`);
        }
      }
      if (large) {
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          if (!n.textContent.trim() || !n.parentElement || !visible(n.parentElement)) continue;
          const px = parseFloat(getComputedStyle(n.parentElement).fontSize);
          if (px < 18) out.push(`text ${px}px < 18: 「${n.textContent.trim().slice(0, 20)}」`);
        }
      }
      return [...new Set(out)];
    }, { min, large });
    for (const f of found) problems.push(`${user}${large ? " 大字" : ""}: ${key} ${f}`);
    if (depth < 2) {
      const links = await page.evaluate(() => [...document.querySelectorAll("a[href]")].map((a) => a.href));
      for (const l of links) {
        const lu = new URL(l, url);
        if (lu.origin !== base || SKIP.test(lu.pathname + lu.search) || lu.hash && lu.pathname === u.pathname) continue;
        lu.hash = "";
        queue.push({ url: lu.href, depth: depth + 1, from: key });
      }
    }
  }
  await ctx.close();
  return { problems, visited };
}
