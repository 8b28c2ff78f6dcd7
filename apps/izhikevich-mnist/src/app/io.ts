export { type AppIo, processIo } from '@snn/cli';

/** Name of the app, as in run directories (`runs/izhikevich-mnist/…`). */
export const APP_NAME = 'izhikevich-mnist';
