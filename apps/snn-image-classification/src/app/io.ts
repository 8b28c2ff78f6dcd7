export { type AppIo, processIo } from '@snn/cli';

/** Name of the app, as in run directories (`runs/snn-image-classification/…`). */
export const APP_NAME = 'snn-image-classification';
