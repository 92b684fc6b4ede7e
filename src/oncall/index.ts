export { onCallRoutes } from './routes.js';
export { onCallAt, onCallNowAndNext, architects, type OnCallAt, type OnCallDeps } from './service.js';
export { rotationShiftAt, type Shift } from './rotation.js';
