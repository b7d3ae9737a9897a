// The console's entry: asks the server whether it needs a token, then routes by the URL's hash:
// #/signin, #/jobs (upload and list), #/jobs/{id} (the result), #/live (camera or file, live).
import "./style.css";
import { ApiError, api, setToken, token } from "./api";
import { jobsPage } from "./pages/jobs";
import { livePage } from "./pages/live";
import { resultPage } from "./pages/result";
import { signInPage } from "./pages/signin";

const page = document.getElementById("page")!;
const signOut = document.getElementById("sign-out")!;
const nav = document.querySelector<HTMLElement>("nav.pages")!;
let authRequired = false;
let leave: () => void = () => {};

function route(): void {
  leave();
  leave = () => {};
  if (authRequired && token() === "") {
    signOut.hidden = true;
    nav.hidden = true;
    signInPage(page, () => {
      if (location.hash === "#/jobs") route();
      else location.hash = "#/jobs";  // hashchange routes
    });
    return;
  }
  signOut.hidden = !authRequired;
  nav.hidden = false;
  const match = /^#\/jobs\/([^/]+)$/.exec(location.hash);
  leave = match ? resultPage(page, decodeURIComponent(match[1]))
    : location.hash === "#/live" ? livePage(page) : jobsPage(page);
  for (const link of document.querySelectorAll<HTMLAnchorElement>("nav.pages a")) {
    if (link.hash === (location.hash === "#/live" ? "#/live" : "#/jobs")) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  page.focus();
}

signOut.addEventListener("click", () => {
  setToken("");
  if (location.hash === "#/signin") route();
  else location.hash = "#/signin";
});
window.addEventListener("hashchange", route);
api.config()
  .then((config) => { authRequired = config.authRequired; route(); })
  .catch((e) => {
    page.textContent = e instanceof ApiError ? `The server does not answer: ${e.message}` : String(e);
  });
