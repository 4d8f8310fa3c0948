// One headless Chromium session (Debian's, driven by playwright-core): the platform's frontend page
// links an account through the sandbox's consent page, then /docs and /redoc list the operations.
// Prints what the pages ended with as one JSON object; browser_test.py judges it.
//   node browser_test.mjs CHROMIUM FRONTEND_URL SERVICE_URL
import { chromium } from "playwright-core";

const [chromiumPath, frontendUrl, serviceUrl] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ["--no-sandbox"],  // as root in a container, Chromium's own sandbox cannot start
});
const result = {};
const page = await browser.newPage();
try {
  // Every Content-Security-Policy refusal on any page, as the page itself sees it.
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const consoleErrors = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(`${message.text()} (${message.location().url})`);
  });

  await page.goto(frontendUrl);
  await page.getByRole("button", { name: "Approve" }).click({ timeout: 10000 });
  await page.waitForFunction(
    () => /^(linked|failed)/.test(document.getElementById("status")?.textContent ?? ""),
    null, { timeout: 15000 });
  result.frontend = await page.evaluate(() => ({
    origin: window.location.origin,
    status: document.getElementById("status").textContent,
    error: document.getElementById("error").textContent,
    connected: document.getElementById("connected").textContent,
    library: [...document.querySelectorAll("#library li")].map((li) => li.textContent),
    csp: window.__csp,
  }));

  await page.goto(serviceUrl + "/docs");
  await page.waitForSelector(".opblock-summary-path", { timeout: 15000 });
  result.docs = await page.evaluate(() => ({
    title: document.title,
    operations: [...document.querySelectorAll(".opblock-summary")].map((summary) =>
      `${summary.querySelector(".opblock-summary-method")?.textContent} ` +
      `${summary.querySelector(".opblock-summary-path")?.getAttribute("data-path")}`),
    csp: window.__csp,
  }));

  await page.goto(serviceUrl + "/redoc");
  await page.waitForSelector("[data-section-id^='operation/']", { timeout: 15000 });
  result.redoc = await page.evaluate(() => ({
    title: document.title,
    operations: [...document.querySelectorAll("[data-section-id^='operation/']")].length,
    csp: window.__csp,
  }));
  result.console_errors = consoleErrors;
} catch (error) {
  // Where it stopped, and what that page said (the frontend writes its failures into #error).
  result.exception = String(error.stack ?? error);
  result.stopped_at = page.url();
  result.stopped_page = (await page.textContent("body").catch(() => "")).slice(0, 500);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
