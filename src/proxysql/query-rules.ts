/**
 * Read/write split as ProxySQL query rules. Rules match `match_digest`, ProxySQL's normalised
 * query text (comments stripped, literals replaced by `?`), case-insensitively, and are tried in
 * rule_id order until one with apply=1 matches; unmatched queries go to the user's
 * default_hostgroup, the writer. Transactions stay where they began because every
 * application user has transaction_persistent=1 (desired-state.ts).
 *
 * The patterns use only syntax PCRE, RE2 and JavaScript agree on, so unit tests can run the
 * same rules over sample queries.
 */
import { HOSTGROUP, PROXY_READ_ONLY_PORT } from './topology.js';

export interface QueryRule {
  rule_id: number;
  /** Only traffic that arrived on this proxy port; null = any port. */
  proxy_port: number | null;
  /** Regular expression on the digest text; null = every query. */
  match_digest: string | null;
  destination_hostgroup: number | null;
  /** When set, ProxySQL answers the client with this error instead of routing. */
  error_msg: string | null;
  comment: string;
}

/** Statements that change data or schema, refused on the read-only port. */
export const WRITE_STATEMENT_DIGEST =
  '^\\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|ALTER|DROP|TRUNCATE|RENAME|GRANT|REVOKE|LOAD|CALL|LOCK|HANDLER|OPTIMIZE|REPAIR|FLUSH|XA)\\b';

/** SELECTs that lock rows, take named locks or depend on the writer's session state. */
export const WRITER_BOUND_SELECT_DIGEST =
  '^\\s*SELECT\\b.*(\\bFOR\\s+UPDATE\\b|\\bLOCK\\s+IN\\s+SHARE\\s+MODE\\b|\\b(GET_LOCK|RELEASE_LOCK|LAST_INSERT_ID|NEXTVAL)\\s*\\(|\\bNEXT\\s+VALUE\\s+FOR\\b)';

export const PLAIN_SELECT_DIGEST = '^\\s*SELECT\\b';

export const READ_ONLY_PORT_ERROR = `port ${PROXY_READ_ONLY_PORT} is read-only: send writes to the read/write port`;

export const QUERY_RULES: readonly QueryRule[] = [
  {
    rule_id: 100,
    proxy_port: PROXY_READ_ONLY_PORT,
    match_digest: WRITE_STATEMENT_DIGEST,
    destination_hostgroup: null,
    error_msg: READ_ONLY_PORT_ERROR,
    // A write routed to a reader would make a second Galera writer.
    comment: 'read-only port: refuse writes',
  },
  {
    rule_id: 110,
    proxy_port: PROXY_READ_ONLY_PORT,
    match_digest: null,
    destination_hostgroup: HOSTGROUP.reader,
    error_msg: null,
    comment: 'read-only port: everything else to readers',
  },
  {
    rule_id: 200,
    proxy_port: null,
    match_digest: WRITER_BOUND_SELECT_DIGEST,
    destination_hostgroup: HOSTGROUP.writer,
    error_msg: null,
    comment: 'locking or session-bound SELECT to the writer',
  },
  {
    rule_id: 210,
    proxy_port: null,
    match_digest: PLAIN_SELECT_DIGEST,
    destination_hostgroup: HOSTGROUP.reader,
    error_msg: null,
    comment: 'plain SELECT to readers',
  },
];

/** Every rule is active, case-insensitive and final when it matches. */
export const QUERY_RULE_FLAGS = { active: 1, apply: 1, re_modifiers: 'CASELESS' } as const;
