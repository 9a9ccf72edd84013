import { createRequire } from 'node:module';
import { Queue, Worker } from '../packages/queues/node_modules/bullmq/dist/esm/index.js';
import nodemailer from '../packages/email/node_modules/nodemailer/dist/esm/nodemailer.js';
import type expressType from '../apps/ingress/node_modules/@types/express/index.js';
const require = createRequire(import.meta.url);
const express = require('../apps/ingress/node_modules/express') as typeof expressType;
const app = express();
app.use(express.json());
console.log(typeof Queue, typeof Worker, typeof nodemailer.createTransport, typeof app.listen);
