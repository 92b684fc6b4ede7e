export { onCallRoutes } from './routes.js';
export { onCallAt, onCallNowAndNext, architects, currentAndFutureOverrides, type OnCallAt, type OnCallDeps } from './service.js';
export { rotationShiftAt, type Shift } from './rotation.js';
