import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/load-config';
import { dataSourceOptions } from './src/data-source';

loadDotenv({ quiet: true });

/** The DataSource of the TypeORM CLI (`npm run migration:generate|run|revert`). */
export default new DataSource(dataSourceOptions(loadConfig(process.env).database));
