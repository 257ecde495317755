import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildReport, type Observation } from '../../../src/sidecar/report.js';
import type { StateFile } from '../../../src/sidecar/state-file.js';
import { parseStateFile } from '../../../src/sidecar/state-file.js';

const UUID = '00bcc085-ea82-11f1-8fb4-c61ea69bc74c';

function state(overrides: Partial<StateFile>): StateFile {
  return {
    version: 1,
    pod: 'db-1',
    bootId: 'b1',
    phase: 'Waiting',
    position: { uuid: UUID, seqno: 17 },
    positionSource: 'wsrep-recover',
    safeToBootstrap: false,
    datadirEmpty: false,
    sstInterrupted: false,
    lastInstruction: null,
    message: 'waiting',
    updatedAt: '2026-11-27T00:00:00Z',
    ...overrides,
  };
}

function obs(overrides: Partial<Observation>): Observation {
  return {
    podName: 'db-1',
    stateFile: { kind: 'ok', state: state({}) },
    grastate: { position: { uuid: UUID, seqno: -1 }, safeToBootstrap: false },
    systemSchemaPresent: true,
    sstMarkersPresent: false,
    mariadbAnswers: false,
    ...overrides,
  };
}

describe('buildReport', () => {
  it('reports the recovered position while waiting, not grastate\'s -1', () => {
    const report = buildReport(obs({}));
    assert.equal(report.phase, 'Waiting');
    assert.deepEqual(report.position, { uuid: UUID, seqno: 17 });
    assert.equal(report.positionSource, 'wsrep-recover');
    assert.equal(report.sstInProgress, false);
  });

  it('says Running only when the started server answers', () => {
    const starting = { kind: 'ok' as const, state: state({ phase: 'Starting', lastInstruction: { action: 'join', generation: 2 } }) };
    assert.equal(buildReport(obs({ stateFile: starting, mariadbAnswers: false })).phase, 'Starting');
    const running = buildReport(obs({ stateFile: starting, mariadbAnswers: true }));
    assert.equal(running.phase, 'Running');
    assert.deepEqual(running.lastInstruction, { action: 'join', generation: 2 });
    // A waiting member never becomes Running, whatever answers on its address.
    assert.equal(buildReport(obs({ mariadbAnswers: true })).phase, 'Waiting');
  });

  it('shows an SST in progress only while starting', () => {
    const starting = { kind: 'ok' as const, state: state({ phase: 'Starting', datadirEmpty: true }) };
    const report = buildReport(obs({ stateFile: starting, sstMarkersPresent: true, systemSchemaPresent: false }));
    assert.equal(report.sstInProgress, true);
    assert.equal(report.datadirEmpty, true);
    assert.equal(buildReport(obs({ sstMarkersPresent: true })).sstInProgress, false);
  });

  it('keeps the entrypoint\'s start-time view of an interrupted SST', () => {
    const report = buildReport(obs({ stateFile: { kind: 'ok', state: state({ sstInterrupted: true, position: null }) } }));
    assert.equal(report.sstInterrupted, true);
    assert.equal(report.position, null);
  });

  it('claims nothing before the entrypoint has written its state', () => {
    const report = buildReport(obs({ stateFile: { kind: 'missing' } }));
    assert.equal(report.phase, 'Initializing');
    assert.equal(report.lastInstruction, null);
    assert.match(report.message ?? '', /not reported/);
    const invalid = buildReport(obs({ stateFile: { kind: 'invalid', message: 'state.json is not JSON' } }));
    assert.equal(invalid.phase, 'Initializing');
    assert.match(invalid.message ?? '', /not JSON/);
  });

  it('parses what the entrypoint writes and rejects other shapes', () => {
    const text = JSON.stringify(state({}));
    const parsed = parseStateFile(text);
    assert.equal(parsed.kind, 'ok');
    assert.equal(parseStateFile('{').kind, 'invalid');
    assert.equal(parseStateFile(JSON.stringify({ ...state({}), phase: 'Dancing' })).kind, 'invalid');
  });
});
