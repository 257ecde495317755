/** The admin interface stores what SQLite parses: literals must keep backslashes as they are. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminSql } from '../../../src/proxysql/admin.js';
import { WRITER_BOUND_SELECT_DIGEST } from '../../../src/proxysql/query-rules.js';

test('strings become SQLite literals: quotes doubled, backslashes untouched, NULL for null', () => {
  assert.equal(
    adminSql('UPDATE t SET a=?, b=? WHERE c=?', ["it's", null, '^\\s*SELECT\\b']),
    "UPDATE t SET a='it''s', b=NULL WHERE c='^\\s*SELECT\\b'",
  );
  const rule = adminSql('SELECT ?', [WRITER_BOUND_SELECT_DIGEST]);
  assert.equal(rule, `SELECT '${WRITER_BOUND_SELECT_DIGEST}'`, 'a rule pattern travels verbatim');
  assert.ok(!rule.includes('\\\\'), 'no doubled backslash');
});

test('a question mark inside a value is not a placeholder, and counts must match', () => {
  assert.equal(adminSql('SELECT ?, ?', ['a?b', 'c']), "SELECT 'a?b', 'c'");
  assert.throws(() => adminSql('SELECT ?, ?', ['a']), /more placeholders than values/);
  assert.throws(() => adminSql('SELECT ?', ['a', 'b']), /more values than placeholders/);
});
