/**
 * After a failed e2e run: what the operators decided (writer moves, rollout steps, recoveries,
 * warnings and errors), oldest first, one short line each, so that a CI log alone explains a
 * failure. Usage: node --import tsx hack/operator-story.ts [DIR] [LINES]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? '.cluster/logs/operators';
const limit = Number(process.argv[3] ?? 80);
const DECISION = /writer|restart|recover|bootstrap|drain|blocked|stalled/i;

interface LogLine { time?: string; level?: string; cluster?: string; msg?: string; health?: string; err?: { message?: string } }

const lines: string[] = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.log'))) {
  for (const raw of readFileSync(join(dir, file), 'utf8').split('\n')) {
    let entry: LogLine;
    try {
      entry = JSON.parse(raw) as LogLine;
    } catch {
      continue;
    }
    const important = entry.level === 'warn' || entry.level === 'error' || DECISION.test(entry.msg ?? '');
    if (!important) continue;
    const detail = entry.err?.message ? ` (${entry.err.message.slice(0, 160)})` : entry.health ? ` [${entry.health}]` : '';
    lines.push(`${entry.time ?? '?'} ${entry.level ?? '?'} ${entry.cluster ?? file.replace(/\.log$/, '')}: ${entry.msg ?? ''}${detail}`);
  }
}
lines.sort();
console.log(lines.slice(-limit).join('\n'));
