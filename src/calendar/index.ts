export {
  RATE_PERIODS,
  type RatePeriod,
  type BusinessCalendar,
  type RatePiece,
  calendarOf,
  ratePeriodAt,
  splitByRatePeriod,
  nextOpening,
  businessMsBetween,
  addBusinessTime,
} from './calendar.js';
export { type Clock, systemClock, fixedClock } from './clock.js';
