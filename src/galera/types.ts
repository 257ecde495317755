/**
 * The contract between a Galera pod's in-pod agent (sidecar) and the operator.
 * The sidecar reports a MemberReport; the operator answers with an Instruction.
 */

/** Where the mariadb container of a member is in its start-up. */
export type MemberPhase =
  | 'Initializing' // entrypoint preparing directories
  | 'Recovering' // running `mariadbd --wsrep-recover` to learn the position
  | 'Waiting' // position known, waiting for the operator's instruction
  | 'Starting' // instruction taken, mariadbd starting (bootstrap, IST or SST)
  | 'Running' // mariadbd is up (Galera state is read over SQL)
  | 'Failed'; // the entrypoint gave up; `message` says why

/** A Galera position: the cluster (state) UUID and the last committed seqno. */
export interface GaleraPosition {
  uuid: string; // '00000000-0000-0000-0000-000000000000' when unknown
  seqno: number; // -1 when unknown
}

/** What a member says about itself while mariadbd may not be running. */
export interface MemberReport {
  pod: string;
  phase: MemberPhase;
  /** Recovered position (grastate.dat, or `--wsrep-recover` after a crash). */
  position: GaleraPosition | null;
  /** grastate.dat safe_to_bootstrap. */
  safeToBootstrap: boolean;
  /** No system tables in the datadir: this member holds no data. */
  datadirEmpty: boolean;
  /** An SST was interrupted (the datadir cannot be trusted). */
  sstInterrupted: boolean;
  /** The instruction the member last took, if any. */
  lastInstruction: Instruction | null;
  message?: string;
  /** Where `position` came from: grastate.dat (clean stop) or `--wsrep-recover` (crash). */
  positionSource?: 'grastate' | 'wsrep-recover' | null;
  /** SST markers are in the datadir while mariadbd is starting: a transfer is running now. */
  sstInProgress?: boolean;
  /** Changes at every start of the mariadb container (tells a restart from a stale report). */
  bootId?: string;
  /** When the entrypoint last wrote its state (ISO 8601). */
  updatedAt?: string;
}

/** What the operator tells a waiting member to do. `generation` fences stale orders. */
export interface Instruction {
  action: 'bootstrap' | 'join';
  /** The recovery (or first-bootstrap) generation recorded in the cluster status. */
  generation: number;
}
