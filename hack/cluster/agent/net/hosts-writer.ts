import { closeSync, constants, ftruncateSync, openSync, writeSync } from 'node:fs';

/**
 * Replace a file's content without replacing the file: the path is bind-mounted into a pod's
 * mount namespace, and a rename would leave the pod looking at the old inode.
 * Writing first and truncating after keeps the window in which a reader sees a short file small.
 */
export function rewriteInPlace(path: string, content: string): void {
  const data = Buffer.from(content, 'utf8');
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
  try {
    let written = 0;
    while (written < data.length) {
      written += writeSync(fd, data, written, data.length - written, written);
    }
    ftruncateSync(fd, data.length);
  } finally {
    closeSync(fd);
  }
}
