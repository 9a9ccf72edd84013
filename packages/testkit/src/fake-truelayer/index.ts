export { startFakeTrueLayer, type FakeTrueLayer, type FakeTrueLayerConnection, type FakeTrueLayerOptions } from './server.js';
