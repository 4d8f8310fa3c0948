// The link flow as a browser frontend on another origin runs it: authorize with the user's bearer
// token, off to the consent page, back here with code and state, then callback, a first sync,
// /connected and the first library page. config.js (written by the test) sets window.AC = {api, token}.
const api = window.AC.api + "/api/v1/user/audible";
const status = (text) => { document.getElementById("status").textContent = text; };

async function call(method, path, body) {
  const response = await fetch(api + path, {
    method,
    credentials: "include",
    headers: { Authorization: "Bearer " + window.AC.token, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(path + ": " + response.status + " " + JSON.stringify(answer));
  return answer;
}

async function start() {
  status("authorizing");
  const { auth_url } = await call("POST", "/oauth/authorize", {});
  window.location.assign(auth_url);
}

async function finish(query) {
  status("finishing");
  const body = { code: query.get("code"), state: query.get("state") };
  if (query.has("iss")) body.iss = query.get("iss");
  const linked = await call("POST", "/oauth/callback", body);
  await call("POST", "/library/sync");
  const connected = await call("GET", "/connected");
  document.getElementById("connected").textContent = JSON.stringify(connected);
  const books = await call("GET", "/library?skip=0&limit=5");
  for (const book of books) {
    const item = document.createElement("li");
    item.textContent = book.asin + " " + book.title;
    document.getElementById("library").append(item);
  }
  status("linked " + linked.audible_user_id);
}

const query = new URLSearchParams(window.location.search);
(query.has("code") ? finish(query) : start()).catch((error) => {
  document.getElementById("error").textContent = String(error);
  status("failed");
});
