// Form rows shared by the live form (and fit for any other): a labelled control with its help
// text below it, tied together by aria-describedby, and a <select> of plain names.
import { h } from "./dom";

export function fieldRow(id: string, label: string, control: HTMLElement, helpText: string): HTMLElement {
  control.setAttribute("aria-describedby", `${id}-help`);
  return h("div", { class: "field" },
    h("label", { for: id }, label), control, h("p", { id: `${id}-help`, class: "help" }, helpText));
}

export function selectField(id: string, names: string[], chosen: string): HTMLSelectElement {
  const element = h("select", { id, name: id });
  for (const name of names) element.append(h("option", { value: name, selected: name === chosen }, name));
  return element;
}
