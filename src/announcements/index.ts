export {
  announcementBoard,
  postAnnouncement,
  takeDownAnnouncement,
  tellEndedAnnouncements,
  newAnnouncementSchema,
  isLive,
  isFor,
  type AnnouncementBoard,
  type AnnouncementDeps,
  type Listener,
} from './service.js';
export { announcementRoutes } from './routes.js';
export { listAnnouncements, type Announcement } from './store.js';
export { recentNotices, RECENT_NOTICES_MS, type PublicNotice } from './notices.js';
