/**
 * The closed set of reasons the Galera decisions give. They become condition reasons and Event
 * reasons; the README's troubleshooting table is generated from `reasonCatalog`.
 */

interface ReasonEntry {
  /** What the operator observed, in one line. */
  readonly meaning: string;
  /** What a person should do about it, in one line ('' when nothing). */
  readonly action: string;
}

const catalog = {
  AllMembersSynced: {
    meaning: 'Every member is Running, in the Primary component and Synced.',
    action: '',
  },
  MembersNotReady: {
    meaning: 'A Primary component serves, but some members are not (yet) part of it.',
    action: 'Usually transient (a member restarting or joining); look at status.members.',
  },
  MembersUncertain: {
    meaning: 'Some members cannot be heard from (agent or SQL not answering); the operator waits.',
    action: 'Check the named pods and their nodes; unknown is never treated as absent.',
  },
  MembersUnreachable: {
    meaning: 'A pod exists but its agent does not answer: its data and process state are unknown.',
    action: 'Check the pod and its node; force-delete the pod only if its node is gone for good.',
  },
  MembersMissing: {
    meaning: 'A member has no pod but its PVC remains: its data is unknown until the pod returns.',
    action: 'Wait for the StatefulSet to recreate the pod, or choose a source explicitly.',
  },
  MembersNotReported: {
    meaning: 'Some members are still recovering their position (wsrep-recover) or starting.',
    action: 'Transient; wait.',
  },
  MembersStillRunning: {
    meaning: 'A member process is still running, so this is not a full crash.',
    action: 'Transient; wait.',
  },
  FirstBootstrap: {
    meaning: 'A brand-new cluster: member 0 bootstraps, the others join one at a time.',
    action: '',
  },
  JoiningMembers: {
    meaning: 'Members are being told to join the Primary component, one at a time.',
    action: '',
  },
  BootstrappingSource: {
    meaning: 'The chosen source was told to bootstrap; waiting for it to become Primary.',
    action: '',
  },
  RecoveryComplete: {
    meaning: 'The recovery finished: every member is back and Synced.',
    action: '',
  },
  PrimaryReturned: {
    meaning: 'A Primary component reappeared before any bootstrap was ordered; recovery dropped.',
    action: '',
  },
  AwaitingManualRecovery: {
    meaning: 'spec.recovery.automatic is false: the operator names the member it would bootstrap.',
    action: 'Set spec.recovery.bootstrapFrom to the named member (or another safe one).',
  },
  PositionUnknown: {
    meaning: 'A member holds data but its Galera position (UUID:seqno) is unknown.',
    action: 'Inspect the member (wsrep-recover log); remove its data or choose a source explicitly.',
  },
  MemberFailed: {
    meaning: "A member's entrypoint gave up before reporting a usable position.",
    action: "Read the member's message and logs; fix the cause or choose a source explicitly.",
  },
  UuidMismatch: {
    meaning: "A member holds data from another cluster history than the cluster's recorded UUID.",
    action: 'Inspect that member; remove its data if foreign, then recovery continues.',
  },
  UuidDisagreement: {
    meaning: 'No cluster UUID is recorded and the members hold data from different histories.',
    action: 'Choose the source explicitly with spec.recovery.bootstrapFrom.',
  },
  SafeToBootstrapConflict: {
    meaning: 'Several members claim safe_to_bootstrap=1: the history is ambiguous.',
    action: 'Choose the source explicitly with spec.recovery.bootstrapFrom.',
  },
  SafeToBootstrapNotMostAdvanced: {
    meaning: 'The member marked safe_to_bootstrap=1 is not the one with the highest seqno.',
    action: 'Choose the source explicitly with spec.recovery.bootstrapFrom.',
  },
  NoSafeSource: {
    meaning: 'No member holds usable data (all empty, interrupted SST or unknown).',
    action: 'Restore from a backup; the operator never bootstraps an empty or partial datadir.',
  },
  ExplicitChoiceRejected: {
    meaning: 'The member named in spec.recovery.bootstrapFrom is not a safe source.',
    action: 'Read the message; name another member or clear the field.',
  },
  SourceFailed: {
    meaning: 'The chosen source failed while bootstrapping; no other source is chosen on its own.',
    action: 'Fix the source, or choose another with spec.recovery.bootstrapFrom.',
  },
  SourceNoLongerSafe: {
    meaning: 'The chosen source, asked again after a restart, is no longer the safe choice.',
    action: 'Read the message; choose a source explicitly with spec.recovery.bootstrapFrom.',
  },
  UnexpectedPrimary: {
    meaning: 'A Primary component appeared that the operator did not bootstrap while one was ordered.',
    action: 'Inspect the members for split brain before doing anything else.',
  },
  RecoveryPhaseOverdue: {
    meaning: 'A recovery phase has lasted longer than its bound (scaled by storage size); nothing is retried.',
    action: 'Read the Recovering condition and status.recovery: it names the step and the members it waits for.',
  },
  JoinerWithoutPrimary: {
    meaning: 'The most advanced member was told to join a Primary component that is gone; it cannot be bootstrapped while it waits.',
    action: "Delete that member's pod (its PVC is kept): it restarts, reports its position and recovery continues.",
  },
  QuorumLost: {
    meaning: 'Members are running but none is Primary; waiting until the others are proven down.',
    action: 'Transient if members come back; otherwise check the members that are not down.',
  },
  QuorumRestoring: {
    meaning: 'pc.bootstrap=YES was issued on the most advanced running member.',
    action: '',
  },
  SurvivorBehind: {
    meaning: 'A stopped member holds later transactions than every running one: no pc.bootstrap.',
    action: 'Choose a source explicitly, or restart members so a full-crash recovery can run.',
  },
  MemberDiverged: {
    meaning: "A waiting member holds data from another history; it is not joined (SST would erase it).",
    action: 'Inspect the member; delete its data (PVC) to let it join by SST.',
  },
  SplitBrain: {
    meaning: 'Several Primary components exist (different state UUIDs or configuration ids).',
    action: 'Stop writes, inspect the members, keep one history.',
  },
  ClusterOffline: {
    meaning: 'No member runs mariadbd.',
    action: 'Recovery runs automatically unless disabled; see the Recovering condition.',
  },
  RollingUpdate: {
    meaning: 'Members are restarted one at a time (writer last) to apply a new pod template.',
    action: '',
  },
  RolloutBlocked: {
    meaning: 'A member restarted with the new template does not come back; the roll stopped.',
    action: 'Read the message, then fix or revert the change; the other members keep serving.',
  },
  RolloutComplete: {
    meaning: 'Every member runs the current pod template.',
    action: '',
  },
  Scaling: {
    meaning: 'Members are being added, or removed gracefully one at a time from the highest ordinal.',
    action: '',
  },
  ScalingComplete: {
    meaning: 'The wanted number of members exists and no member is being added or removed.',
    action: '',
  },
  WriterChanged: {
    meaning: 'The writer was not Ready and Synced; the lowest-ordinal healthy member took over.',
    action: '',
  },
  WriterUnavailable: {
    meaning: 'No member is Ready and Synced, so the proxy has no writer.',
    action: 'See the GaleraReady and Recovering conditions.',
  },
} as const satisfies Record<string, ReasonEntry>;

export type ConditionReason = keyof typeof catalog;

/** `ConditionReason.SourceFailed === 'SourceFailed'`, for callers that want constants. */
export const ConditionReason = Object.freeze(
  Object.fromEntries(Object.keys(catalog).map((name) => [name, name])),
) as { readonly [K in ConditionReason]: K };

export const reasonCatalog: Readonly<Record<ConditionReason, ReasonEntry>> = catalog;
