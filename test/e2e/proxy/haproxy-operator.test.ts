/**
 * Issue 5 with HAProxy on the local cluster: the operator runs and programs HAProxy in front of
 * a 3-member cluster (the drill itself: proxy-suite.ts).
 */
import { defineProxyOperatorSuite } from './proxy-suite.js';

defineProxyOperatorSuite('haproxy', 'hx');
