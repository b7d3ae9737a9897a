// Parses the checkers' `--flag value` command lines; --rendered may repeat.

// Returns {flag: value, rendered: [values]}; `known` lists the flags without dashes, optional
// ones ending in '?'. Throws on an unknown flag or a missing required one.
export function parseArgs(argv, known) {
  const options = { rendered: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--rendered') options.rendered.push(value);
    else if (known.includes(flag.slice(2)) || known.includes(`${flag.slice(2)}?`)) options[flag.slice(2)] = value;
    else throw new Error(`unknown argument ${flag}`);
  }
  for (const flag of known.filter((k) => !k.endsWith('?'))) {
    if (!options[flag]) throw new Error(`--${flag} is required`);
  }
  return options;
}
