/**
 * Runs ProxySQL query rules (as rows of mysql_query_rules) over a query the way ProxySQL's
 * query processor does for the columns the operator uses: rules in rule_id order, active only,
 * proxy_port and match_digest against the query digest, first match with apply=1 wins,
 * default hostgroup otherwise. The digest is approximated: comments stripped, literals → ?,
 * whitespace collapsed.
 */
import type { Row } from '../../../src/proxysql/tables.js';

export function digestOf(query: string): string {
  return query
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/(--\s|#)[^\n]*/g, ' ')
    .replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, '?')
    .replace(/\b\d+(\.\d+)?\b/g, '?')
    .replace(/\s+/g, ' ')
    .trim();
}

export type Route = { hostgroup: number } | { error: string };

export function routeQuery(rules: readonly Row[], defaultHostgroup: number, query: string, port: number): Route {
  const digest = digestOf(query);
  const ordered = [...rules].filter((r) => r.active === '1').sort((a, b) => Number(a.rule_id) - Number(b.rule_id));
  let hostgroup = defaultHostgroup;
  for (const rule of ordered) {
    if (rule.proxy_port != null && Number(rule.proxy_port) !== port) continue;
    if (rule.match_digest != null) {
      const flags = (rule.re_modifiers ?? '').includes('CASELESS') ? 'i' : '';
      if (!new RegExp(rule.match_digest, flags).test(digest)) continue;
    }
    if (rule.error_msg != null) return { error: rule.error_msg };
    if (rule.destination_hostgroup != null) hostgroup = Number(rule.destination_hostgroup);
    if (rule.apply === '1') break;
  }
  return { hostgroup };
}
