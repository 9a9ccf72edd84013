export { startFakeTray, type FakeTray, type FakeTrayOptions } from './server.js';
export type { RateLimitOptions } from './rate-limit.js';
export type {
  AuthValue,
  ConfigValue,
  DialogVisit,
  FakeTrayCall,
  FakeTrayInstanceInput,
  FakeTrayUserInput,
} from './state.js';
export { traySdl } from './schema.graphql.js';
