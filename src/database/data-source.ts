// The data source the TypeORM CLI uses (`npm run migration:run`, `npm run migration:generate`).
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/env.schema.js';
import { buildDataSourceOptions } from './data-source-options.js';

export default new DataSource(buildDataSourceOptions(loadConfig()));
