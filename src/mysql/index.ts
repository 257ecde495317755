/** Everything the operator says to a MariaDB member. */
export * from './connection.js';
export * from './errors.js';
export * from './users.js';
export * from './wsrep.js';
