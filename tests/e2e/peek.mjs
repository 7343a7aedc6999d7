// Developer aid: log in as a persona and screenshot pages (not part of the test run).
// node peek.mjs <base> <user> <phone|desk> <large 0|1> <path>...
import { chromium } from "playwright-core";
const [base, user, mode, large, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const ctx = await browser.newContext(mode === "phone" ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 } : { viewport: { width: 1366, height: 768 } });
const page = await ctx.newPage();
await page.goto(`${base}/login`);
if (large === "1") await page.click("#large-toggle");
await page.fill('input[name="username"]', user);
await page.fill('input[name="password"]', "Xinghuo@2026");
await page.click('button[type="submit"].primary, form[action="/login"] button[type="submit"]');
for (const p of paths) {
  await page.goto(`${base}${p}`);
  const name = `${user}-${mode}-${large}-${p.replace(/[^a-z0-9]+/gi, "_")}.png`;
  await page.screenshot({ path: `/tmp/shots/${name}`, fullPage: process.env.FULL === "1" });
  console.log(name, page.url());
}
await browser.close();
