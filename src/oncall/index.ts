export { onCallRoutes } from './routes.js';
export {
  onCallAt,
  onCallNowAndNext,
  architects,
  lineOf,
  currentAndFutureOverrides,
  addOverride,
  removeOverride,
  newOverrideSchema,
  type OnCallAt,
  type OnCallDeps,
} from './service.js';
export { rotationShiftAt, type Shift } from './rotation.js';
