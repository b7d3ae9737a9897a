// A small helper to build elements: h("button", { type: "button" }, "Cancel"). Text children
// become text nodes, never HTML, so names and messages from the server are shown as data.
export type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return element;
}

// Shows `message` in `region` (a role="alert" element), or clears it for "".
export function showError(region: HTMLElement, message: string): void {
  region.textContent = message;
  region.hidden = message === "";
}
