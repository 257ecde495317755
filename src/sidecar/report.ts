/** Builds the MemberReport from what the pod's files and the server say (pure). */
import type { MemberReport } from '../galera/types.js';
import type { GrastateInfo } from './grastate.js';
import type { StateFileRead } from './state-file.js';

export interface Observation {
  podName: string;
  stateFile: StateFileRead;
  /** null when grastate.dat is absent or unreadable. */
  grastate: GrastateInfo | null;
  /** The datadir holds the mysql/ system schema right now. */
  systemSchemaPresent: boolean;
  /** SST markers are in the datadir right now. */
  sstMarkersPresent: boolean;
  /** mariadbd answered the protocol handshake within the timeout. */
  mariadbAnswers: boolean;
}

export function buildReport(obs: Observation): MemberReport {
  if (obs.stateFile.kind !== 'ok') {
    // The entrypoint has not written its state yet (or wrote garbage): say so, claim nothing.
    return {
      pod: obs.podName,
      phase: 'Initializing',
      position: obs.grastate?.position ?? null,
      positionSource: obs.grastate?.position ? 'grastate' : null,
      safeToBootstrap: obs.grastate?.safeToBootstrap ?? false,
      datadirEmpty: !obs.systemSchemaPresent,
      sstInterrupted: false,
      sstInProgress: false,
      lastInstruction: null,
      message: obs.stateFile.kind === 'missing' ? 'the entrypoint has not reported yet' : obs.stateFile.message,
    };
  }
  const state = obs.stateFile.state;
  const started = state.phase === 'Starting';
  const running = started && obs.mariadbAnswers;
  return {
    pod: state.pod || obs.podName,
    phase: running ? 'Running' : state.phase,
    position: state.position,
    positionSource: state.positionSource,
    // grastate.dat is rewritten by a bootstrap; while waiting the entrypoint's view is current.
    safeToBootstrap: started && obs.grastate ? obs.grastate.safeToBootstrap : state.safeToBootstrap,
    datadirEmpty: started ? !obs.systemSchemaPresent : state.datadirEmpty,
    sstInterrupted: state.sstInterrupted,
    sstInProgress: started && obs.sstMarkersPresent,
    lastInstruction: state.lastInstruction,
    message: running ? 'mariadbd is answering' : state.message,
    bootId: state.bootId,
    updatedAt: state.updatedAt,
  };
}
