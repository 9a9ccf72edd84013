/**
 * @reauth/metrics owns what operators scrape and probe: the Prometheus metrics of a process (one
 * registry per process, low-cardinality labels only, queue depth read from Redis at scrape time),
 * the Express `/metrics` handler, `/healthz` and `/readyz` with a Redis-and-draining readiness
 * check, the Bearer guard for /metrics on a public port, and the tiny HTTP server on METRICS_PORT.
 */
export { createMetrics, type Metrics, type CountableQueue } from './definitions.js';
export { createReadiness, healthRouter, metricsHandler, type Readiness, type ReadinessState } from './health.js';
export { startMetricsServer, type MetricsServer } from './server.js';
export { requireBearer } from './bearer.js';
