export { slackRoutes, type SlackDeps } from './routes.js';
