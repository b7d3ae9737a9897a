// The CLI's own help texts for the magnification flags, generated at build time from
// client/magnify_flags.cc into flag-help.json (console/tools/flag_help_json.cc).
export interface FlagHelp {
  footer: string;
  flags: Record<string, { help: string; default: string }>;
}

let loaded: Promise<FlagHelp> | null = null;

export function flagHelp(): Promise<FlagHelp> {
  loaded ??= fetch("flag-help.json")
    .then((r) => (r.ok ? (r.json() as Promise<FlagHelp>) : { footer: "", flags: {} }))
    .catch(() => ({ footer: "", flags: {} }));
  return loaded;
}
