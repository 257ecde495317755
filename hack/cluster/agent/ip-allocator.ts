/**
 * Pod addresses from 127.1.0.0/16, handed out monotonically (a re-created pod gets a new
 * address, as on a real cluster), never reused while in use, persisted across agent restarts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { POD_CIDR } from './config.js';

interface AllocatorState {
  next: number;
  byUid: Record<string, string>;
}

export function addressFor(offset: number): string {
  const [a, b] = POD_CIDR.prefix;
  return `${a}.${b}.${Math.floor(offset / 256)}.${offset % 256}`;
}

/** Offsets whose last octet is 0 or 255 are skipped, to keep addresses unsurprising. */
export function nextOffset(current: number): number {
  let n = current;
  do n = (n + 1) % POD_CIDR.size;
  while (n % 256 === 0 || n % 256 === 255);
  return n;
}

export class IpAllocator {
  private state: AllocatorState;

  constructor(private readonly file: string) {
    this.state = IpAllocator.load(file);
  }

  private static load(file: string): AllocatorState {
    try {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as AllocatorState;
      if (typeof parsed.next === 'number' && parsed.byUid && typeof parsed.byUid === 'object') return parsed;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return { next: 1, byUid: {} };
  }

  private save(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.state, null, 1));
    fs.renameSync(tmp, this.file);
  }

  /** The pod's address: the one it already has, or the next free one. */
  allocate(uid: string): string {
    const existing = this.state.byUid[uid];
    if (existing) return existing;
    const inUse = new Set(Object.values(this.state.byUid));
    let offset = this.state.next;
    for (let tries = 0; inUse.has(addressFor(offset)) || offset % 256 === 0 || offset % 256 === 255; tries++) {
      if (tries > POD_CIDR.size) throw new Error('pod address range exhausted');
      offset = nextOffset(offset);
    }
    const ip = addressFor(offset);
    this.state.byUid[uid] = ip;
    this.state.next = nextOffset(offset);
    this.save();
    return ip;
  }

  /** Adopt an address a pod already reports (e.g. after the state file was lost). */
  claim(uid: string, ip: string): void {
    if (this.state.byUid[uid] === ip) return;
    this.state.byUid[uid] = ip;
    this.save();
  }

  release(uid: string): void {
    if (!(uid in this.state.byUid)) return;
    delete this.state.byUid[uid];
    this.save();
  }

  uids(): string[] {
    return Object.keys(this.state.byUid);
  }
}
