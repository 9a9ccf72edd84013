export { startFakeTrueLayer, type FakeTrueLayer, type FakeTrueLayerConnection } from './server.js';
