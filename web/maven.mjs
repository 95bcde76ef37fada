// Called by the Maven build (exec-maven-plugin) with one step: install, build or check.
// install and build do nothing when their output is newer than their input, so a Java-only build pays
// for the web app once, not on every `mvn test-compile`. No dependencies beyond Node itself.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const step = process.argv[2];
if (process.argv.includes('--skip=true')) {
  console.log(`web: ${step} skipped (-Dweb.skip)`);
  process.exit(0);
}

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

function newest(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(info.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function run(...args) {
  console.log(`web: npm ${args.join(' ')}`);
  const result = spawnSync('npm', args, { cwd: here, stdio: 'inherit', env: { ...process.env, CI: 'true' } });
  if (result.error) {
    console.error(`web: could not run npm (${result.error.message}); install Node.js 20.19+ with npm, or build with -Dweb.skip`);
    process.exit(2);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const installed = join(here, 'node_modules', '.package-lock.json');
const built = join(here, 'dist', 'index.html');
const inputs = ['src', 'index.html', 'package-lock.json', 'vite.config.ts', 'tailwind.config.js', 'postcss.config.js', 'tsconfig.json'];

switch (step) {
  case 'install':
    if (mtime(installed) >= mtime(join(here, 'package-lock.json'))) {
      console.log('web: node_modules is up to date with package-lock.json');
    } else {
      run('ci', '--no-audit', '--no-fund');
    }
    break;
  case 'build':
    if (mtime(built) >= Math.max(...inputs.map((p) => newest(join(here, p))))) {
      console.log('web: dist/ is newer than its sources');
    } else {
      run('run', 'build');
    }
    break;
  case 'check':
    run('run', 'typecheck');
    run('run', 'lint');
    run('run', 'test');
    break;
  default:
    console.error('usage: node maven.mjs install|build|check [--skip=true|false]');
    process.exit(2);
}
