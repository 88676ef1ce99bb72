#!/usr/bin/env node
/**
 * The dashboard's bundle-size check: reads Vite's build manifest (dist/.vite/manifest.json,
 * `build.manifest: true` in vite.config.ts) and gzips (node:zlib) each JavaScript chunk.
 *
 * Initial JS: the entry chunk and every chunk it imports statically, transitively (what the
 * browser must load before the first screen). Lazy chunks (reached only through dynamic
 * `import()`) are listed separately and do not count.
 *
 * Exits 1 when the initial JS exceeds the budget (350 KiB gzip), 2 when there is no build.
 * Usage: `npm run build && npm run bundle:check` (or `node scripts/bundle-size.mjs [distDir]`).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET_KIB = 350;
const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.argv[2] ?? join(here, "..", "dist"));
const manifestPath = join(dist, ".vite", "manifest.json");

if (!existsSync(manifestPath)) {
  console.error(`No build manifest at ${manifestPath}: run \`npm run build\` first (vite.config.ts sets build.manifest).`);
  process.exit(2);
}

/** @type {Record<string, {file: string, isEntry?: boolean, imports?: string[], dynamicImports?: string[]}>} */
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
const gzipBytes = (file) => gzipSync(readFileSync(join(dist, file))).length;
const kib = (bytes) => (bytes / 1024).toFixed(2).padStart(9);

const entries = Object.keys(manifest).filter((key) => manifest[key].isEntry);
if (entries.length === 0) {
  console.error(`The manifest names no entry chunk (${manifestPath}).`);
  process.exit(2);
}

// The entry chunks and their static imports, transitively.
const initial = new Set();
const pending = [...entries];
while (pending.length > 0) {
  const key = pending.pop();
  if (initial.has(key) || !manifest[key]) continue;
  initial.add(key);
  pending.push(...(manifest[key].imports ?? []));
}

const isJs = (key) => manifest[key].file.endsWith(".js");
const initialFiles = [...new Set([...initial].filter(isJs).map((key) => manifest[key].file))];
const lazyFiles = [
  ...new Set(
    Object.keys(manifest)
      .filter((key) => !initial.has(key) && isJs(key))
      .map((key) => manifest[key].file),
  ),
].filter((file) => !initialFiles.includes(file));

function report(title, files) {
  const sized = files.map((file) => ({ file, bytes: gzipBytes(file) })).sort((a, b) => b.bytes - a.bytes);
  const total = sized.reduce((sum, s) => sum + s.bytes, 0);
  console.log(`\n${title}`);
  for (const { file, bytes } of sized) console.log(`${kib(bytes)} KiB  ${file}`);
  console.log(`${kib(total)} KiB  total (gzip)`);
  return total;
}

const initialTotal = report("Initial JS (entry chunk and its static imports):", initialFiles);
report("Lazy chunks (dynamic import; not in the initial load):", lazyFiles);

const over = initialTotal / 1024 > BUDGET_KIB;
console.log(`\nInitial JS ${(initialTotal / 1024).toFixed(2)} KiB gzip; budget ${BUDGET_KIB} KiB: ${over ? "OVER BUDGET" : "ok"}`);
process.exit(over ? 1 : 0);
