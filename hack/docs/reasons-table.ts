/** Prints the README's troubleshooting table from the condition reason catalogs. */
import { allReasonCatalogs } from '../../src/reconcilers/reason-catalogs.js';

console.log('| reason | what it means | what to do |');
console.log('|---|---|---|');
for (const [reason, entry] of allReasonCatalogs()) {
  console.log(`| \`${reason}\` | ${entry.meaning} | ${entry.action || '—'} |`);
}
