// Sign in: the API's bearer token, checked by listing one job before it is kept (for this tab).
import { ApiError, api, setToken } from "../api";
import { h, showError } from "../dom";

export function signInPage(page: HTMLElement, done: () => void): void {
  const field = h("input", { id: "token", type: "password", autocomplete: "current-password", required: true,
    "aria-describedby": "token-help token-error" });
  const error = h("p", { id: "token-error", class: "error", role: "alert", hidden: true });
  const form = h("form", { class: "card narrow", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, "Sign in"),
    h("label", { for: "token" }, "Token"),
    field,
    h("p", { id: "token-help", class: "help" },
      "The token your operator gave you (a line of the server's --tokens file). You see only your own jobs."),
    error,
    h("button", { type: "submit" }, "Sign in"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(error, "");
    try {
      await api.listJobs("", field.value.trim());
      setToken(field.value.trim());
      done();
    } catch (e) {
      const message = e instanceof ApiError ? `${e.message} (${e.code})` : String(e);
      showError(error, `Not signed in: ${message}`);
      field.focus();
    }
  });
  page.replaceChildren(form);
  field.focus();
}
