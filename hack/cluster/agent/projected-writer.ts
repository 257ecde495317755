/** Writes a projected volume's files into its directory, keeping it current in place. */
import fs from 'node:fs';
import path from 'node:path';
import type { ProjectedFile } from './projection.js';

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path.join(dir, entry.name), rel));
    else out.push(rel);
  }
  return out;
}

/**
 * Changed files are replaced by rename (readers never see half a file); files no longer
 * projected are removed. Unchanged files are left alone, so their inodes stay the same.
 */
export function writeProjectedFiles(dir: string, files: readonly ProjectedFile[]): boolean {
  fs.mkdirSync(dir, { recursive: true });
  let changed = false;
  const wanted = new Set<string>();
  for (const f of files) {
    const rel = path.normalize(f.path);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`projected path ${f.path} escapes the volume`);
    wanted.add(rel);
    const target = path.join(dir, rel);
    let current: Buffer | undefined;
    try {
      current = fs.readFileSync(target);
    } catch {
      current = undefined;
    }
    const modeNow = current ? fs.statSync(target).mode & 0o7777 : -1;
    if (current?.equals(f.data) && modeNow === f.mode) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = path.join(path.dirname(target), `..${path.basename(target)}.tmp`);
    fs.writeFileSync(tmp, f.data, { mode: f.mode });
    fs.chmodSync(tmp, f.mode);
    fs.renameSync(tmp, target);
    changed = true;
  }
  for (const rel of listFiles(dir)) {
    if (!wanted.has(rel)) {
      fs.rmSync(path.join(dir, rel), { force: true });
      changed = true;
    }
  }
  return changed;
}
