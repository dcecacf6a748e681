#!/usr/bin/env node
// Runs one of the server's commands from the build (dist-server/<name>.js), so a production
// install (`npm ci --omit=dev`) needs no TypeScript tooling. Says what to do when it is not built.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const name = process.argv[2];
const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist-server', `${name}.js`);
if (!name || !existsSync(file)) {
  console.error(`dist-server/${name}.js is not built yet: run \`npm run build\` first.`);
  process.exit(1);
}
process.argv.splice(1, 2, file);
await import(pathToFileURL(file).href);
