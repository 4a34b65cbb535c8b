import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { loadConfig } from './config/config.js';
import { failedToStart } from './lifecycle/failed-to-start.js';

if (existsSync('.env')) process.loadEnvFile('.env');
// The configuration is checked before the application's modules load (about a second of CPU): a bad variable
// is refused at once, without that second.
try {
  loadConfig(process.env);
} catch (error) {
  failedToStart(error);
}
const { runService } = await import('./process.js');
runService(process.env).catch(failedToStart);
