export { type AppIo, processIo } from '@snn/cli';

/** Name of the app, as in run directories (`runs/neurospike/…`). */
export const APP_NAME = 'neurospike';
