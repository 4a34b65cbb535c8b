import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { failedToStart, runService } from './process.js';

if (existsSync('.env')) process.loadEnvFile('.env');
runService(process.env).catch(failedToStart);
