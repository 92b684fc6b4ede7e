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
export { coverBetween, type Cover } from './cover.js';
export { feedCalendar, newFeedToken, hasFeed, rotationsOf, DEFAULT_ROTATION, FEED_DAYS } from './feeds.js';
export { onCallFeedRoutes } from './feed-routes.js';
