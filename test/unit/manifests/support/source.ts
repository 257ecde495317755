/** Facts about the source tree that the manifests must agree with. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './load.js';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** Environment variables the operator process reads (the in-pod sidecar excluded). */
export function operatorEnvNames(): Set<string> {
  const names = new Set<string>();
  for (const file of walk(join(REPO_ROOT, 'src')).filter((f) => f.endsWith('.ts'))) {
    if (relative(REPO_ROOT, file).startsWith('src/sidecar/')) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/process\.env(?:\.(\w+)|\[['"](\w+)['"]\])/g)) names.add((m[1] ?? m[2])!);
  }
  return names;
}

/** The compiled path of a TypeScript source file, from tsconfig.json's rootDir and outDir. */
export function compiledPath(source: string): string {
  const config = JSON.parse(readFileSync(join(REPO_ROOT, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { rootDir: string; outDir: string };
  };
  const { rootDir, outDir } = config.compilerOptions;
  const fromRoot = relative(join(REPO_ROOT, rootDir), join(REPO_ROOT, source));
  return join(outDir, fromRoot).replace(/\.ts$/, '.js');
}

/** The source file that compiles to `/app/<compiled>` in the image, if it exists. */
export function sourceOfImagePath(imagePath: string): string | undefined {
  const inRepo = imagePath.replace(/^\/app\//, '');
  for (const candidate of walk(join(REPO_ROOT, 'src')).filter((f) => f.endsWith('.ts'))) {
    const source = relative(REPO_ROOT, candidate);
    if (compiledPath(source) === inRepo) return source;
  }
  return undefined;
}

export const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');
export const exists = (path: string): boolean => existsSync(join(REPO_ROOT, path));

/** Every file under the given repository directories (or the files themselves). */
export function filesUnder(...paths: string[]): string[] {
  return paths.flatMap((p) => {
    const full = join(REPO_ROOT, p);
    if (!existsSync(full)) return [];
    return statSync(full).isDirectory() ? walk(full).map((f) => relative(REPO_ROOT, f)) : [p];
  });
}
