/** Entry of dist/healthcheck.mjs, the image's HEALTHCHECK: exit 0 when healthy, 1 with the reasons. */
import { checkHealth, containerRoles, pid1CommandLine } from './healthcheck.js';

const problems = await checkHealth(process.env, containerRoles(process.env, pid1CommandLine())).catch((err: Error) => [err.message]);
process.stdout.write(problems.length === 0 ? 'healthy\n' : `unhealthy: ${problems.join('; ')}\n`);
process.exit(problems.length === 0 ? 0 : 1);
