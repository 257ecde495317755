/**
 * Image names map to what this machine has: no image is ever pulled. Pure, given a view of the
 * host (which files exist, what is on PATH), so the mapping is unit-testable.
 */

export interface HostView {
  fileExists(path: string): boolean;
  /** The binary's absolute path when it is on this process's PATH, else null. */
  locate(binary: string): string | null;
}

export interface ExtraMount {
  source: string;
  target: string;
  readOnly: boolean;
}

/** What a container image would define: ENTRYPOINT, CMD and WORKDIR. */
export interface ImageDefaults {
  entrypoint: string[];
  cmd: string[];
  workingDir?: string;
  /** Directories the image's PATH has beyond the default (where its binaries live here). */
  pathDirs?: string[];
}

export type ImageResolution =
  | ({ available: true; image: string; imageID: string; mounts: ExtraMount[] } & ImageDefaults)
  | { available: false; image: string; reason: 'ErrImagePull'; message: string };

/** Repository name without registry host, tag or digest: `docker.io/library/busybox:1.36` → `library/busybox`. */
export function imageRepository(image: string): string {
  let name = image.split('@')[0] ?? image;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > lastSlash) name = name.slice(0, colon);
  const parts = name.split('/');
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) parts.shift();
  if (parts.length === 2 && parts[0] === 'library') parts.shift();
  return parts.join('/');
}

function available(image: string, kind: string, defaults: ImageDefaults, mounts: ExtraMount[] = []): ImageResolution {
  return { available: true, image, imageID: `local-host://${kind}`, mounts, ...defaults };
}

function missing(image: string, message: string): ImageResolution {
  return { available: false, image, reason: 'ErrImagePull', message };
}

export function resolveImage(image: string, host: HostView, projectDir: string): ImageResolution {
  const repo = imageRepository(image);
  if (repo === 'busybox' || repo === 'debian') return available(image, repo, { entrypoint: [], cmd: ['sh'] });
  if (repo === 'mariadb') {
    return host.fileExists('/usr/sbin/mariadbd')
      ? available(image, 'mariadb', { entrypoint: [], cmd: ['mariadbd'] })
      : missing(image, 'no /usr/sbin/mariadbd on this machine (install mariadb-server and galera-4)');
  }
  if (repo === 'haproxy') {
    return host.fileExists('/usr/sbin/haproxy')
      ? available(image, 'haproxy', { entrypoint: [], cmd: ['/usr/sbin/haproxy', '-f', '/usr/local/etc/haproxy/haproxy.cfg'] })
      : missing(image, 'no /usr/sbin/haproxy on this machine (install haproxy)');
  }
  if (repo === 'proxysql/proxysql') {
    const binary = host.locate('proxysql');
    if (binary === null) return missing(image, 'no proxysql binary on this machine');
    // Scripts in the pod run `proxysql` by name, as in the real image: its directory joins PATH.
    const dir = binary.slice(0, binary.lastIndexOf('/')) || '/';
    return available(image, 'proxysql', { entrypoint: [], cmd: ['proxysql', '-f', '-c', '/etc/proxysql.cnf'], pathDirs: [dir] });
  }
  if (repo === 'galera-operator' || repo.endsWith('/galera-operator')) {
    // As the repository's Dockerfile: ENTRYPOINT ["node"], CMD ["/app/dist/src/main.js"], WORKDIR /app.
    return available(image, 'galera-operator', { entrypoint: ['node'], cmd: ['/app/dist/src/main.js'], workingDir: '/app' },
      [{ source: projectDir, target: '/app', readOnly: true }]);
  }
  return missing(image, `image ${image} is not available on this local cluster`);
}
